package fetch

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Defaults applied to zero Options fields.
const (
	DefaultTimeout        = 20 * time.Second
	DefaultConnectTimeout = 5 * time.Second
	DefaultMaxBody        = 5 << 20
	DefaultMaxRedirects   = 5

	// DefaultPerHostConcurrency is how many Gets may be in flight to one host.
	DefaultPerHostConcurrency = 2
	// DefaultPerHostRate and DefaultPerHostBurst keep one host at about one
	// request a second, the pace crawlers are usually asked to keep.
	DefaultPerHostRate  rate.Limit = 1
	DefaultPerHostBurst            = 2
)

// Options configures a Client. Zero values take the defaults above.
type Options struct {
	Timeout        time.Duration  // whole request, body read included
	ConnectTimeout time.Duration  // TCP connect, and separately the TLS handshake
	MaxBody        int64          // cap on the body after decompression
	UserAgent      string         // required: sources deserve to know who polls them
	Allow          []netip.Prefix // special-purpose ranges to allow anyway (tests, demos)
	// MaxRedirects is how many redirects one Get follows: 0 means the
	// default, a negative value follows none.
	MaxRedirects int
	// Now is the clock used to read an HTTP-date Retry-After; nil means time.Now.
	Now func() time.Time

	// PerHostConcurrency caps the Gets in flight to one host name (ports
	// and schemes of one name share it). Waiting for a turn is not counted
	// in Timeout: a queue on our side is not the host's fault.
	PerHostConcurrency int
	// PerHostRate is how many requests a second one host name may get, and
	// PerHostBurst how many may go at once after a quiet spell. Every
	// redirect hop takes a token of its target host. rate.Inf disables the
	// limit (loopback benchmarks).
	PerHostRate  rate.Limit
	PerHostBurst int
	// Hosts overrides the three per-host settings for named hosts (keys
	// are host names, matched exactly, case-insensitively; no ports).
	// A zero field of an override takes the per-host default above.
	Hosts map[string]HostLimit

	// Resolver looks up host names at dial time; nil means
	// net.DefaultResolver. Tests inject one so no real DNS is asked.
	Resolver Resolver
}

// HostLimit is the concurrency cap and rate limit of one host.
type HostLimit struct {
	Concurrency int
	Rate        rate.Limit
	Burst       int
}

// ErrNoUserAgent is returned by New when Options.UserAgent is empty.
var ErrNoUserAgent = errors.New("fetch: a user agent is required")

func (o Options) withDefaults() (Options, error) {
	if o.UserAgent == "" {
		return o, ErrNoUserAgent
	}
	if o.Timeout < 0 || o.ConnectTimeout < 0 || o.MaxBody < 0 {
		return o, fmt.Errorf("fetch: negative timeout or body cap in options")
	}
	if o.PerHostConcurrency < 0 || o.PerHostRate < 0 || o.PerHostBurst < 0 {
		return o, fmt.Errorf("fetch: negative per-host concurrency, rate or burst in options")
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.MaxBody == 0 {
		o.MaxBody = DefaultMaxBody
	}
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = DefaultMaxRedirects
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PerHostConcurrency == 0 {
		o.PerHostConcurrency = DefaultPerHostConcurrency
	}
	if o.PerHostRate == 0 {
		o.PerHostRate = DefaultPerHostRate
	}
	if o.PerHostBurst == 0 {
		o.PerHostBurst = DefaultPerHostBurst
	}
	hosts := make(map[string]HostLimit, len(o.Hosts))
	for name, h := range o.Hosts {
		if h.Concurrency < 0 || h.Rate < 0 || h.Burst < 0 {
			return o, fmt.Errorf("fetch: negative concurrency, rate or burst for host %q", name)
		}
		if h.Concurrency == 0 {
			h.Concurrency = o.PerHostConcurrency
		}
		if h.Rate == 0 {
			h.Rate = o.PerHostRate
		}
		if h.Burst == 0 {
			h.Burst = o.PerHostBurst
		}
		hosts[strings.TrimSuffix(strings.ToLower(name), ".")] = h
	}
	o.Hosts = hosts
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	allow := make([]netip.Prefix, 0, len(o.Allow))
	for _, p := range o.Allow {
		if !p.IsValid() {
			return o, fmt.Errorf("fetch: invalid allow prefix %q", p)
		}
		allow = append(allow, p.Masked())
	}
	o.Allow = allow
	return o, nil
}
