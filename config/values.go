package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The parsers here turn one scalar into a typed value. Their errors become
// the message of a Problem, so they say what is wrong and what is wanted.

var errEmpty = errors.New("must not be empty")

func anyText(s string) (string, error) { return s, nil }

func nonEmpty(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errEmpty
	}
	return s, nil
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

func parseID(s string) (string, error) {
	if s == "" {
		return "", errEmpty
	}
	if !idRE.MatchString(s) {
		return "", fmt.Errorf("bad id %q: want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit", s)
	}
	return s, nil
}

func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errEmpty
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: want a Go duration such as 20s, 5m or 12h", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be more than 0", s)
	}
	return d, nil
}

func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, errEmpty
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: want a whole number of bytes, such as 5242880", s)
	}
	if n <= 0 {
		return 0, fmt.Errorf("size %d must be more than 0", n)
	}
	return n, nil
}

// parseListen accepts what net.Listen("tcp", ...) does, less service names:
// a port number is what people expect to read in a config file.
func parseListen(s string) (string, error) {
	if s == "" {
		return "", errEmpty
	}
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("bad address %q: want host:port, such as 127.0.0.1:8080", s)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return "", fmt.Errorf("bad port %q in %q: want a number from 0 to 65535", port, s)
	}
	return s, nil
}

// parseHTTPURL accepts an absolute http or https URL with a host, the only
// kind watchroom fetches from or is reached at.
func parseHTTPURL(s string) (string, error) {
	if s == "" {
		return "", errEmpty
	}
	u, err := url.Parse(s)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", fmt.Errorf("bad url %q: %v", s, err)
	}
	switch {
	case u.Scheme == "":
		return "", fmt.Errorf("bad url %q: want an absolute http or https URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("bad url %q: scheme %q is not http or https", s, u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("bad url %q: no host", s)
	}
	return s, nil
}

func optionalHTTPURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	return parseHTTPURL(s)
}

func parseZone(s string) (*time.Location, error) {
	if s == "" {
		return nil, errEmpty
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: want an IANA name such as Europe/London", s)
	}
	return loc, nil
}

// parseUserAgent refuses control characters, which would let a value break
// out of the HTTP header it is sent in.
func parseUserAgent(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", errEmpty
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return "", fmt.Errorf("user agent %q must not contain control characters", s)
	}
	return s, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if s == "" {
		return netip.Prefix{}, errEmpty
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("bad CIDR prefix %q: want address/length, such as 127.0.0.1/32", s)
	}
	// A prefix written with host bits set (10.1.2.3/8) means its network.
	return p.Masked(), nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errEmpty
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: want RFC 3339, such as 2026-08-29T10:00:00Z", s)
	}
	return t, nil
}

// parseTerm checks one watch-list term: a word or a phrase, quotes optional.
// The matcher compiles terms; this only catches what is plainly a mistake.
func parseTerm(s string) (string, error) {
	t := strings.TrimSpace(s)
	if strings.Count(t, `"`)%2 != 0 {
		return "", fmt.Errorf("term %q has an unbalanced double quote", s)
	}
	if strings.TrimSpace(strings.ReplaceAll(t, `"`, "")) == "" {
		return "", fmt.Errorf("term %q is empty", s)
	}
	return t, nil
}

// kindParser accepts the source kinds the program knows; with none given it
// accepts any non-empty kind.
func kindParser(kinds []string) func(string) (string, error) {
	return func(s string) (string, error) {
		if s == "" {
			return "", errEmpty
		}
		if len(kinds) > 0 && !slices.Contains(kinds, s) {
			return "", fmt.Errorf("unknown kind %q (known: %s)", s, strings.Join(kinds, ", "))
		}
		return s, nil
	}
}

// parseSchedule checks a cron spec with the parser the scheduler uses.
func (d *decoder) parseSchedule(s string) (spec string, err error) {
	if s == "" {
		return "", errEmpty
	}
	// robfig/cron v3.0.1 panics on a time-zone prefix with nothing after it
	// ("CRON_TZ=UTC"); a bad spec must be a problem, not a crash.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bad cron spec %q: a time-zone prefix must be followed by a schedule", s)
		}
	}()
	if _, err := d.cron.Parse(s); err != nil {
		return "", fmt.Errorf("bad cron spec %q: %v", s, err)
	}
	// robfig/cron quietly turns an @every interval under a second, negative
	// ones included, into one second; a typo must not become polling a
	// site every second.
	if i := strings.Index(s, "@every "); i >= 0 {
		if every, err := time.ParseDuration(strings.TrimSpace(s[i+len("@every "):])); err == nil && every < time.Second {
			return "", fmt.Errorf("bad cron spec %q: @every needs an interval of at least 1s", s)
		}
	}
	return s, nil
}

// oneOf accepts exactly one of the given words.
func oneOf(words ...string) func(string) (string, error) {
	return func(s string) (string, error) {
		if !slices.Contains(words, s) {
			return "", fmt.Errorf("%q is not one of %s", s, strings.Join(words, ", "))
		}
		return s, nil
	}
}

func parseCount(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("want a whole number of at least 1, not %q", s)
	}
	return n, nil
}

func parseFactor(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 1 {
		return 0, fmt.Errorf("want a number above 1, not %q", s)
	}
	return f, nil
}

// parseCoord accepts a latitude (limit 90) or longitude (limit 180) in
// decimal degrees.
func parseCoord(limit float64) func(string) (float64, error) {
	return func(s string) (float64, error) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < -limit || f > limit {
			return 0, fmt.Errorf("want decimal degrees from %g to %g, not %q", -limit, limit, s)
		}
		return f, nil
	}
}

// parseRadius accepts a distance in whole metres, up to 100 km.
func parseRadius(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100000 {
		return 0, fmt.Errorf("want whole metres from 1 to 100000, not %q", s)
	}
	return n, nil
}
