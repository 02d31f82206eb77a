//go:build linux

package bench

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// fanRun is what happened while publishing.
type fanRun struct {
	start, end  time.Time
	published   int
	delivered   int64 // when publishing ended
	cpu         string
	stallStart  time.Time
	closedAfter time.Duration // from the stall to the server closing every stalled client; -1 if it did not
	writes      *fanHist      // how long each write through the store took
	killedAt    time.Time
	backAfter   time.Duration // from the kill to every client connected again; -1 if not seen
}

// fanPublish records events at the rate for the duration, stalling
// clients and restarting the server on the way as asked, with a progress
// line a second.
func fanPublish(ctx context.Context, o fanOptions, g *fanGen, srv *fanServer, out io.Writer) (fanRun, error) {
	text := strings.Repeat("Free party tonight by the old quarry, bring speakers and tell everyone. ", o.size/72+1)[:o.size]
	half := o.duration / 2
	var stallC, restartC <-chan time.Time // nil: never
	if g.stalled > 0 {
		stallC = time.After(half)
	}
	if o.restart {
		at := half
		if g.stalled > 0 {
			at = o.duration * 3 / 4
		}
		restartC = time.After(at)
	}
	r := fanRun{start: time.Now(), closedAfter: -1, backAfter: -1, writes: &fanHist{}}
	cpu0 := fanCPUNow()
	lastCPU := cpu0
	g.lat.split.Store(r.start.Add(half).UnixNano())
	tick := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
	defer tick.Stop()
	progress := time.NewTicker(time.Second)
	defer progress.Stop()
	watch := time.NewTicker(20 * time.Millisecond)
	defer watch.Stop()
	end := time.NewTimer(o.duration)
	defer end.Stop()
	var slowAtStall int64
	lastDelivered, lastAt := g.ctr.delivered.Load(), r.start
	for {
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-end.C:
			r.end, r.delivered = time.Now(), g.ctr.delivered.Load()
			r.cpu = fanCPUUse(cpu0, fanCPUNow())
			return r, nil
		case <-stallC:
			slowAtStall = srv.stats().SlowDropped
			r.stallStart = time.Now()
			g.lat.stallNs.Store(r.stallStart.UnixNano())
			g.setStall(true)
			fmt.Fprintf(out, "stall: %d of %d clients stopped reading at %s\n", g.stalled, o.clients, r.stallStart.Sub(r.start).Round(10*time.Millisecond))
		case <-restartC:
			r.killedAt = time.Now()
			took, err := srv.restart(ctx)
			if err != nil {
				return r, fmt.Errorf("restart: %w", err)
			}
			fmt.Fprintf(out, "restart: killed the server at %s (sockets closed without a close frame) and started it again on %s with the same database in %s\n",
				r.killedAt.Sub(r.start).Round(10*time.Millisecond), srv.addr, took.Round(time.Millisecond))
		case <-tick.C:
			took, err := srv.record(ctx, r.published, text)
			if err != nil {
				return r, fmt.Errorf("record: %w", err)
			}
			r.writes.add(took)
			r.published++
		case <-watch.C:
			if !r.killedAt.IsZero() && r.backAfter < 0 && srv.stats().Clients == o.clients {
				r.backAfter = time.Since(r.killedAt)
				fmt.Fprintf(out, "restart: all %d clients connected again, resuming by seq, %s after the kill\n",
					o.clients, r.backAfter.Round(10*time.Millisecond))
			}
			if !r.stallStart.IsZero() && r.closedAfter < 0 && srv.stats().SlowDropped-slowAtStall >= int64(g.stalled) {
				r.closedAfter = time.Since(r.stallStart)
				fmt.Fprintf(out, "stall: the server closed all %d stalled clients %s after they stopped reading\n",
					g.stalled, r.closedAfter.Round(10*time.Millisecond))
			}
		case now := <-progress.C:
			d := g.ctr.delivered.Load()
			st := srv.stats()
			cpu := fanCPUNow()
			self, machine := fanCores(lastCPU, cpu)
			fmt.Fprintf(out, "t=%s published=%d deliveries/s=%.0f connected=%d hub_clients=%d slow_dropped=%d reconnects=%d cores_self=%.2f cores_machine=%.2f\n",
				now.Sub(r.start).Round(time.Second), r.published, float64(d-lastDelivered)/now.Sub(lastAt).Seconds(),
				g.ctr.connected.Load(), st.Clients, st.SlowDropped, g.ctr.connects.Load()-int64(o.clients), self, machine)
			lastDelivered, lastAt, lastCPU = d, now, cpu
		}
	}
}

// fanVerify lets every client catch up (stalled ones resume by seq) and
// checks that each has every event once, in order.
func fanVerify(ctx context.Context, o fanOptions, g *fanGen, srv *fanServer, head0 int64, run fanRun, res fanResult, out io.Writer) (fanResult, error) {
	if g.stalled > 0 {
		g.setStall(false)
	}
	head, err := srv.head(ctx)
	if err != nil {
		return res, err
	}
	wait := 60 * time.Second
	if o.writeWait > 0 {
		wait += o.writeWait
	} else {
		wait += 10 * time.Second
	}
	err = fanWait(ctx, wait, func() bool { n, _ := g.behind(head); return n == 0 },
		func() string { n, m := g.behind(head); return fmt.Sprintf("%d clients still miss %d events", n, m) })
	if err != nil {
		fmt.Fprintf(out, "catch-up: %v\n", err)
	} else {
		fmt.Fprintf(out, "catch-up: every client has all %d events %s after publishing stopped\n", head-head0, time.Since(run.end).Round(time.Millisecond))
	}
	var missing int64
	res.behind, missing = g.behind(head)
	res.lost = g.ctr.gaps.Load() + missing
	res.dups, res.resets = g.ctr.dups.Load(), g.ctr.resets.Load()
	if res.timelineContiguous, err = srv.contiguous(ctx, head0, head); err != nil {
		return res, err
	}
	delivered := g.ctr.delivered.Load()
	res.deliveries = float64(run.delivered) / run.end.Sub(run.start).Seconds()
	var others fanHist
	others.merge(&g.lat.first)
	others.merge(&g.lat.second)
	res.p50, res.p99 = others.quantileMs(0.50), others.quantileMs(0.99)
	st := srv.stats()
	res.slowDropped = st.SlowDropped
	fmt.Fprintf(out, "cpu while publishing: %s\n", run.cpu)
	fmt.Fprintf(out, "writes through the store (included in the latency): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		run.writes.quantileMs(0.5), run.writes.quantileMs(0.99), run.writes.quantileMs(1))
	fmt.Fprintf(out, "published %d events in %s (%.1f/s); %d deliveries; hub encoded %d events (once each, whatever the clients); closes seen by clients: slow(4008)=%d going-away(1001)=%d abrupt=%d other=%d; reconnects=%d\n",
		run.published, run.end.Sub(run.start).Round(time.Millisecond), float64(run.published)/run.end.Sub(run.start).Seconds(),
		delivered, st.Encoded, g.ctr.closedSlow.Load(), g.ctr.closedAway.Load(), g.ctr.closedAbrupt.Load(), g.ctr.closed.Load(),
		g.ctr.connects.Load()-int64(o.clients))
	p99a, p99b := g.lat.first.quantileMs(0.99), g.lat.second.quantileMs(0.99)
	ratio := 0.0
	if p99a > 0 {
		ratio = p99b / p99a
	}
	if g.stalled > 0 {
		closed := "did not close all of them while they stalled"
		if run.closedAfter >= 0 {
			closed = fmt.Sprintf("closed all of them %s after they stopped reading", run.closedAfter.Round(10*time.Millisecond))
		}
		if f := g.lat.filledNs.Load(); f > 0 && run.closedAfter >= 0 {
			filled := time.Duration(f - run.stallStart.UnixNano())
			closed += fmt.Sprintf("; the last of their sockets was full %s after they stopped reading (the server's write of the next event blocked), so each was closed at most %s after a write to it blocked",
				filled.Round(10*time.Millisecond), (run.closedAfter - filled).Round(10*time.Millisecond))
		}
		fmt.Fprintf(out, "stall: %d stalled clients; the server %s (write deadline %s); they then resumed by seq: %d deliveries, p99 %.1f ms counted from publishing (the stall included)\n",
			g.stalled, closed, fanOr(o.writeWait, 10*time.Second), g.lat.stalled.count(), g.lat.stalled.quantileMs(0.99))
		fmt.Fprintf(out, "stall: the other clients' p99 %.1f ms without stalls (first half), %.1f ms with stalls (second half): x%.2f\n", p99a, p99b, ratio)
	} else {
		fmt.Fprintf(out, "halves: p99 %.1f ms in the first half, %.1f ms in the second: x%.2f\n", p99a, p99b, ratio)
	}
	return res, nil
}

func fanOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
