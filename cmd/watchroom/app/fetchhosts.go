package app

import (
	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/fetch"
)

// hostLimits turns the config's per-host settings into the fetcher's.
func hostLimits(hosts []config.HostLimit) map[string]fetch.HostLimit {
	out := make(map[string]fetch.HostLimit, len(hosts))
	for _, h := range hosts {
		out[h.Host] = fetch.HostLimit{Concurrency: h.Concurrency, Rate: rate.Limit(h.Rate), Burst: h.Burst}
	}
	return out
}
