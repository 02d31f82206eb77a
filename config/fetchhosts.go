package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Bounds on per-host settings: beyond them a value is a typo, not a policy.
const (
	maxHostConcurrency = 1000
	maxHostRate        = 10000
	maxHostBurst       = 10000
)

// hostLimit reads concurrency, rate and burst into l, leaving absent keys
// as they are.
func (d *decoder) hostLimit(sec field, l *HostLimit, extra ...string) map[string]field {
	fs, ok := d.fields(sec.val, sec.path, append([]string{"concurrency", "rate", "burst"}, extra...)...)
	if !ok {
		return nil
	}
	scalar(d, fs["concurrency"], &l.Concurrency, boundedCount(maxHostConcurrency))
	scalar(d, fs["rate"], &l.Rate, parseRate)
	scalar(d, fs["burst"], &l.Burst, boundedCount(maxHostBurst))
	return fs
}

// hosts reads fetch.hosts: per-host settings, each host once.
func (d *decoder) hosts(sec field) []HostLimit {
	entries, _ := d.items(sec)
	var out []HostLimit
	seen := map[string]int{}
	for _, e := range entries {
		l := HostLimit{Line: e.val.Line}
		fs := d.hostLimit(e, &l, "host")
		if fs == nil {
			continue
		}
		d.require(e.val, e.path, fs, "host")
		if !scalar(d, fs["host"], &l.Host, parseHostName) {
			continue
		}
		if line, dup := seen[l.Host]; dup {
			d.problem(fs["host"].val, fs["host"].path, "host %q is listed twice (first at line %d)", l.Host, line)
			continue
		}
		seen[l.Host] = l.Line
		out = append(out, l)
	}
	return out
}

func boundedCount(most int) func(string) (int, error) {
	return func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > most {
			return 0, fmt.Errorf("want a whole number from 1 to %d, not %q", most, s)
		}
		return n, nil
	}
}

func parseRate(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || f > maxHostRate {
		return 0, fmt.Errorf("want requests a second, a number above 0 and at most %d (0.2 is one every 5 s), not %q", maxHostRate, s)
	}
	return f, nil
}

// parseHostName accepts a bare host name or IP address: what a source URL's
// host is compared with.
func parseHostName(s string) (string, error) {
	h := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if h == "" {
		return "", errEmpty
	}
	if strings.ContainsAny(h, "/:@ \t?#") {
		return "", fmt.Errorf("bad host %q: want a host name such as www.reddit.com, without scheme, port or path", s)
	}
	return h, nil
}

// HostLimitFor is the setting for host: its own entry, with zero fields
// taken from PerHost, else PerHost.
func (f Fetch) HostLimitFor(host string) HostLimit {
	for _, h := range f.Hosts {
		if h.Host == host {
			out := h
			if out.Concurrency == 0 {
				out.Concurrency = f.PerHost.Concurrency
			}
			if out.Rate == 0 {
				out.Rate = f.PerHost.Rate
			}
			if out.Burst == 0 {
				out.Burst = f.PerHost.Burst
			}
			return out
		}
	}
	return f.PerHost
}
