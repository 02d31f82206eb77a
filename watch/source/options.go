package source

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sourceChecker is implemented by kinds that take options or need a
// particular kind of URL.
type sourceChecker interface {
	checkSource(u *url.URL, opts map[string]string) []error
}

// CheckSource reports what is wrong with a source's URL and options for
// its kind, so that config loading can say so before the first poll. Each
// problem is one error; several come joined (errors.Join). Kinds that take
// no options refuse any.
func CheckSource(kind, rawURL string, opts map[string]string) error {
	p, ok := Lookup(kind)
	if !ok {
		return fmt.Errorf("unknown kind %q", kind)
	}
	var u *url.URL
	if Pushed(kind) {
		if rawURL != "" {
			return fmt.Errorf("a %s source is pushed to: it takes no url", kind)
		}
	} else {
		var err error
		u, err = url.Parse(rawURL)
		if err != nil || !isWebURL(u) {
			return fmt.Errorf("url %q is not an absolute http or https URL", rawURL)
		}
	}
	c, ok := p.(sourceChecker)
	if !ok {
		return errors.Join(knownKeys(kind, opts)...)
	}
	return errors.Join(c.checkSource(u, opts)...)
}

// knownKeys reports option keys that kind does not take.
func knownKeys(kind string, opts map[string]string, known ...string) []error {
	var errs []error
	for _, k := range sortedKeys(opts) {
		if slices.Contains(known, k) {
			continue
		}
		if len(known) == 0 {
			errs = append(errs, fmt.Errorf("option %q: kind %s takes no options", k, kind))
			continue
		}
		errs = append(errs, fmt.Errorf("option %q: unknown for kind %s (known: %s)", k, kind, strings.Join(known, ", ")))
	}
	return errs
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkPages checks the "pages" option, when it is set.
func checkPages(opts map[string]string) []error {
	v, ok := opts["pages"]
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > MaxPages {
		return []error{fmt.Errorf("option \"pages\": %q is not a whole number from 1 to %d", v, MaxPages)}
	}
	return nil
}

// checkZone checks an option naming a time zone, when it is set.
func checkZone(opts map[string]string, key string) []error {
	v, ok := opts[key]
	if !ok {
		return nil
	}
	if _, err := loadZone(v); err != nil {
		return []error{fmt.Errorf("option %q: %w", key, err)}
	}
	return nil
}

// loadZone loads an IANA zone named in an option. "Local" is refused: the
// server's own zone says nothing about a source.
func loadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("want an IANA time zone name such as Europe/London, got %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("unknown time zone %q: want an IANA name such as Europe/London", name)
	}
	return loc, nil
}

// optionZone is the zone an option names, else UTC.
func optionZone(opts map[string]string, key string) *time.Location {
	if loc, err := loadZone(opts[key]); err == nil {
		return loc
	}
	return time.UTC
}
