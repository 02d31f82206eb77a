package fetch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestHostGateForgetsOnlyIdleHosts(t *testing.T) {
	ctx := context.Background()
	use := func(g *hostGate, host string) {
		release, err := g.acquire(ctx, host)
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	tests := []struct {
		name  string
		limit rate.Limit
		kept  func(n int) bool // how many hosts stay after 2*minSweep were used once
	}{
		// Without a limit every idle host can be forgotten.
		{"no rate limit", rate.Inf, func(n int) bool { return n < minSweep }},
		// A host whose limiter has not refilled is remembered, or forgetting
		// it would hand out a fresh burst.
		{"rate limited", rate.Every(time.Hour), func(n int) bool { return n == 2*minSweep+1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newHostGate(HostLimit{Concurrency: 1, Rate: tt.limit, Burst: 1}, nil)
			busy, err := g.acquire(ctx, "busy.example")
			if err != nil {
				t.Fatal(err)
			}
			for i := range 2 * minSweep {
				use(g, fmt.Sprintf("h%d.example", i))
			}
			s := g.snapshot()
			if !tt.kept(s.Hosts) {
				t.Errorf("%d hosts kept", s.Hosts)
			}
			if _, ok := g.hosts["busy.example"]; !ok {
				t.Error("a host in use was forgotten")
			}
			if s.InFlight != 1 || s.Waiting != 0 || s.MaxPerHost != 1 {
				t.Errorf("stats %+v", s)
			}
			busy()
			busy() // release is idempotent
			if s := g.snapshot(); s.InFlight != 0 {
				t.Errorf("in flight %d after release", s.InFlight)
			}
		})
	}
}
