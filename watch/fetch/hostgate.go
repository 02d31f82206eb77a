package fetch

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Stats is a snapshot of the per-host gate, for metrics and benchmarks.
type Stats struct {
	// MaxPerHost is the most Gets that were in flight to one host at once
	// since New; it never exceeds the host's concurrency cap
	// (Options.PerHostConcurrency, or the host's own in Options.Hosts).
	MaxPerHost int
	InFlight   int // Gets holding a host's slot now, all hosts together
	Waiting    int // Gets waiting for a host's slot or rate-limit token
	Hosts      int // hosts whose slots and limiter are held in memory
}

// minSweep is how many hosts the gate holds before it first forgets idle ones.
const minSweep = 256

// hostGate enforces the per-host concurrency cap and rate limit.
type hostGate struct {
	def   HostLimit
	named map[string]HostLimit // per-host overrides, defaults filled in

	mu      sync.Mutex
	hosts   map[string]*hostState
	sweepAt int
	stats   Stats
}

type hostState struct {
	slots    chan struct{}
	lim      *rate.Limiter
	refs     int // Gets holding or waiting for a slot
	inFlight int
}

func newHostGate(def HostLimit, named map[string]HostLimit) *hostGate {
	return &hostGate{def: def, named: named, hosts: make(map[string]*hostState), sweepAt: minSweep}
}

// limitOf is the host's own settings, else the defaults.
func (g *hostGate) limitOf(host string) HostLimit {
	if l, ok := g.named[host]; ok {
		return l
	}
	return g.def
}

// hostKey names the host a gate entry is for. Ports and schemes are left out
// on purpose: http and https on one name are one server to be polite to.
func hostKey(u *url.URL) string {
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

// acquire waits, as long as ctx allows, for a slot and then a rate-limit
// token for host. The returned release must be called when the Get is done.
func (g *hostGate) acquire(ctx context.Context, host string) (release func(), err error) {
	h := g.enter(host)
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		g.leave(h, false)
		return nil, ctx.Err()
	}
	if err := waitToken(ctx, h.lim); err != nil {
		<-h.slots
		g.leave(h, false)
		return nil, err
	}
	g.mu.Lock()
	g.stats.Waiting--
	g.stats.InFlight++
	h.inFlight++
	g.stats.MaxPerHost = max(g.stats.MaxPerHost, h.inFlight)
	g.mu.Unlock()
	return sync.OnceFunc(func() {
		<-h.slots
		g.leave(h, true)
	}), nil
}

// wait takes a rate-limit token for host without a slot: for redirect hops,
// whose Get already holds the slot of the host it started at.
func (g *hostGate) wait(ctx context.Context, host string) error {
	h := g.enter(host)
	err := waitToken(ctx, h.lim)
	g.leave(h, false)
	return err
}

// waitToken is lim.Wait with every failure expressed as ctx's error: the
// limiter refuses up front, with an error of its own, a wait that would
// outlast ctx's deadline.
func waitToken(ctx context.Context, lim *rate.Limiter) error {
	err := lim.Wait(ctx)
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	return fmt.Errorf("%v: %w", err, context.DeadlineExceeded)
}

func (g *hostGate) enter(host string) *hostState {
	g.mu.Lock()
	defer g.mu.Unlock()
	h, ok := g.hosts[host]
	if !ok {
		if len(g.hosts) >= g.sweepAt {
			g.sweep()
		}
		l := g.limitOf(host)
		h = &hostState{slots: make(chan struct{}, l.Concurrency), lim: rate.NewLimiter(l.Rate, l.Burst)}
		g.hosts[host] = h
	}
	h.refs++
	g.stats.Waiting++
	return h
}

func (g *hostGate) leave(h *hostState, ran bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h.refs--
	if ran {
		h.inFlight--
		g.stats.InFlight--
	} else {
		g.stats.Waiting--
	}
}

// sweep forgets hosts nobody is using whose limiter has refilled: a fresh
// entry would behave the same, so forgetting them loses nothing. Without it
// every host an analyst ever fetched once would stay in memory.
func (g *hostGate) sweep() {
	now := time.Now()
	for k, h := range g.hosts {
		if h.refs == 0 && (h.lim.Limit() == rate.Inf || h.lim.TokensAt(now) >= float64(h.lim.Burst())) {
			delete(g.hosts, k)
		}
	}
	g.sweepAt = max(minSweep, 2*len(g.hosts))
}

func (g *hostGate) snapshot() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats
	s.Hosts = len(g.hosts)
	return s
}
