//go:build linux

package bench

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

// fanGen is the load generator: n clients spread over one epoll loop per
// processor, and a few goroutines that dial.
type fanGen struct {
	clients []*fanClient
	loops   []*fanLoop
	dialer  *fanDialer
	target  atomic.Pointer[fanTarget]
	ctr     fanCounters
	lat     fanLatency
	stalled int
}

func newFanGen(ctx context.Context, n int, stallPercent float64, maxFD int) (*fanGen, error) {
	g := &fanGen{}
	g.dialer = newFanDialer(n, func() fanTarget { return *g.target.Load() })
	for i := 0; i < runtime.GOMAXPROCS(0); i++ {
		l, err := newFanLoop(maxFD, g.dialer, &g.ctr, &g.lat)
		if err != nil {
			return nil, err
		}
		g.loops = append(g.loops, l)
	}
	stall := 0
	if stallPercent > 0 {
		stall = max(1, int(float64(n)*stallPercent/100+0.5))
	}
	for i := 0; i < n; i++ {
		l := g.loops[i%len(g.loops)]
		// stalled clients are spread evenly over the ids (and so the loops)
		c := &fanClient{id: i, loop: l, fd: -1, parked: true, stall: stall > 0 && i*stall/n != (i+1)*stall/n}
		if c.stall {
			g.stalled++
		}
		l.clients = append(l.clients, c)
		g.clients = append(g.clients, c)
	}
	for _, l := range g.loops {
		go l.run(ctx)
	}
	// Browsers reconnect independently: enough dialers that a reconnect
	// storm after a restart waits on the server, not on the generator.
	for i := 0; i < 256; i++ {
		go g.dialer.run(ctx)
	}
	return g, nil
}

// connectAll connects every client to t, resuming after seq, and waits
// until all are connected.
func (g *fanGen) connectAll(ctx context.Context, t fanTarget, after int64) error {
	g.target.Store(&t)
	for _, l := range g.loops {
		l.do(func() {
			for _, c := range l.clients {
				c.parked, c.failed, c.last = false, false, after
			}
		})
	}
	for _, c := range g.clients {
		select {
		case g.dialer.queue <- fanDialReq{c: c, after: after}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return fanWait(ctx, 5*time.Minute, func() bool { return g.ctr.connected.Load() == int64(len(g.clients)) },
		func() string {
			return fmt.Sprintf("%d of %d clients connected", g.ctr.connected.Load(), len(g.clients))
		})
}

// parkAll disconnects every client and keeps it from reconnecting.
func (g *fanGen) parkAll() {
	for _, l := range g.loops {
		l.do(func() {
			for _, c := range l.clients {
				c.parked = true
				if c.fd >= 0 {
					l.drop(c, 0)
				}
			}
		})
	}
}

// setStall makes the stalling clients stop (or start again) reading.
func (g *fanGen) setStall(on bool) {
	for _, l := range g.loops {
		l.do(func() {
			for _, c := range l.clients {
				if !c.stall || c.paused == on {
					continue
				}
				c.paused = on
				if c.fd >= 0 {
					l.watch(c, !on)
				}
			}
		})
	}
}

// behind counts the clients without every event up to head, and how
// many events they miss in all.
func (g *fanGen) behind(head int64) (clients int, missing int64) {
	for _, l := range g.loops {
		l.do(func() {
			for _, c := range l.clients {
				if c.last < head {
					clients++
					missing += head - c.last
				}
			}
		})
	}
	return clients, missing
}

// fanWait polls cond until it holds, the context ends or d passes.
func fanWait(ctx context.Context, d time.Duration, cond func() bool, what func() string) error {
	deadline := time.Now().Add(d)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return fmt.Errorf("gave up after %s: %s", d, what())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
	return nil
}

// fanRaiseFileLimit raises the soft limit on open files to need (and the
// hard one, which only a privileged process may) and returns the soft
// limits before and after.
func fanRaiseFileLimit(need uint64) (uint64, uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, 0, err
	}
	from := r.Cur
	if r.Cur >= need {
		return from, from, nil
	}
	r.Cur = need
	r.Max = max(r.Max, need)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return from, from, fmt.Errorf("need %d open files, the limit is %d: %w (raise it with ulimit -n, as root for the hard limit)", need, from, err)
	}
	return from, need, nil
}
