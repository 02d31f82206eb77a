//go:build linux

package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/watchroom/watchroom/ui/live"
)

// fanSide is a server under test as a phase drives it: the console or
// the peer.
type fanSide interface {
	label() string
	target() fanTarget
	after(ctx context.Context) (int64, error) // where the clients start: the timeline's head
	clients() int
	publish(ctx context.Context, i int, text string) (fanCommit, error)
	head(ctx context.Context) (int64, error)
	slowDropped() int64
}

// fanConsole is the console's side.
type fanConsole struct {
	srv *fanServer
	tgt fanTarget
}

func (c *fanConsole) label() string { return "watchroom" }
func (c *fanConsole) target() fanTarget {
	t := c.tgt
	t.Addr = netip.MustParseAddrPort(c.srv.addr)
	return t
}
func (c *fanConsole) after(ctx context.Context) (int64, error) { return c.srv.head(ctx) }
func (c *fanConsole) clients() int                             { return c.srv.stats().Clients }
func (c *fanConsole) publish(ctx context.Context, i int, text string) (fanCommit, error) {
	return c.srv.record(ctx, i, text)
}
func (c *fanConsole) head(ctx context.Context) (int64, error) { return c.srv.head(ctx) }
func (c *fanConsole) slowDropped() int64                      { return c.srv.stats().SlowDropped }

// fanPeerSide is the peer's side.
type fanPeerSide struct{ p *fanPeer }

func (s fanPeerSide) label() string                        { return "peer" }
func (s fanPeerSide) target() fanTarget                    { return s.p.target() }
func (s fanPeerSide) after(context.Context) (int64, error) { return s.p.seq, nil }
func (s fanPeerSide) clients() int                         { return s.p.clients() }
func (s fanPeerSide) head(context.Context) (int64, error)  { return s.p.seq, nil }
func (s fanPeerSide) slowDropped() int64                   { return 0 }
func (s fanPeerSide) publish(_ context.Context, i int, _ string) (fanCommit, error) {
	return s.p.publish(i)
}

func runFanout(ctx context.Context, o fanOptions, out, stderr io.Writer) (*fanReport, error) {
	rep := &fanReport{clients: o.clients, rate: o.rate}
	if o.memProfile != "" {
		runtime.MemProfileRate = 1 // every allocation, for figures per connection
	}
	// this process holds the server's side of each connection
	from, to, err := fanRaiseFileLimit(uint64(o.clients + 128))
	if err != nil {
		return nil, err
	}
	if to != from {
		fmt.Fprintf(out, "open files: raised the limit from %d to %d for the server's side of %d connections\n", from, to, o.clients)
	}
	dir := o.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "watchroom-fanout-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	// one officer holds every board, as the bench's clients share four
	// sessions: the per-person limit on board connections is lifted
	srv, err := newFanServer(dir, live.Options{WriteWait: o.writeWait, QueueSize: o.queue, MaxPerViewer: -1}, logger)
	if err != nil {
		return nil, err
	}
	if err := srv.start(ctx); err != nil {
		return nil, err
	}
	defer srv.stop()
	base := "http://" + srv.addr
	// a name of its own, so runs on one --data folder do not collide
	user, password := fmt.Sprintf("fanout-%d", time.Now().UnixNano()), "fanout-bench-password"
	if err := srv.addUser(ctx, user, password, o.passwordCost); err != nil {
		return nil, fmt.Errorf("add user: %w", err)
	}
	// Sign-in is rate limited per address (5 at once), as in production: a
	// few sessions, shared by the clients like tabs of one browser.
	var cookies []string
	for i := 0; i < min(o.clients, 4); i++ {
		ck, err := fanSignIn(ctx, base, user, password)
		if err != nil {
			return nil, err
		}
		cookies = append(cookies, ck)
	}
	rem, err := startFanRemote(ctx, o, stderr)
	if err != nil {
		return nil, err
	}
	defer rem.close()
	console := &fanConsole{srv: srv, tgt: fanTarget{Origin: base, Epoch: srv.epoch(), Cookies: cookies}}
	peerOn := o.peer && o.stallPercent == 0 && !o.restart
	if o.peer && !peerOn {
		fmt.Fprintln(out, "peer: not run (it takes the steady load only, without --stall-percent or --restart)")
	}
	fmt.Fprintf(out, "processes: server (this one, pid %d) and clients (pid %d); latency from each event's commit in the server's process to its arrival in the clients', both on the wall clock (CLOCK_REALTIME) of this machine\n",
		os.Getpid(), rem.cmd.Process.Pid)
	var peer *fanPeer
	defer func() {
		if peer != nil {
			peer.close()
		}
	}()
	for round := 1; round <= o.rounds; round++ {
		head0, err := srv.head(ctx)
		if err != nil {
			return nil, err
		}
		prof := fanProfiles{}
		if round == 1 {
			prof = fanProfiles{cpu: o.cpuProfile, mem: o.memProfile}
		}
		w, err := fanPhase(ctx, o, rem, console, prof, out)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(out, w.line(o))
		rep.add(w)
		if !peerOn {
			continue
		}
		if peer == nil {
			head, err := srv.head(ctx)
			if err != nil {
				return nil, err
			}
			evs, err := srv.events(ctx, head0, head)
			if err != nil {
				return nil, err
			}
			if peer, err = startFanPeer(srv.epoch(), evs); err != nil {
				return nil, fmt.Errorf("peer: %w", err)
			}
		}
		p, err := fanPhase(ctx, o, rem, fanPeerSide{peer}, fanProfiles{}, out)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(out, p.line(o))
		rep.add(p)
	}
	return rep, nil
}

// fanPhaseResult is one side's run: connect, publish, catch up.
type fanPhaseResult struct {
	side                 string
	published            int
	deliveries           float64 // per second while publishing, across clients
	delivered            int64
	lost, dups, resets   int64
	behind               int
	contiguous           bool
	lat                  fanLatencies
	serverCPU, clientCPU time.Duration
	kbPerConn            float64
	slowDropped          int64
}

// fanPhase connects every client to side, measures what an idle
// connection costs the server, publishes, lets every client catch up,
// checks what each got and disconnects them all.
func fanPhase(ctx context.Context, o fanOptions, rem *fanRemote, side fanSide, prof fanProfiles, out io.Writer) (*fanPhaseResult, error) {
	res := &fanPhaseResult{side: side.label(), contiguous: true}
	if _, err := rem.call(fanReq{Op: "reset"}); err != nil {
		return res, err
	}
	head0, err := side.after(ctx)
	if err != nil {
		return res, err
	}
	slow0 := side.slowDropped()
	m0 := fanMemory()
	t0 := time.Now()
	if _, err := rem.call(fanReq{Op: "connect", Target: new(side.target()), After: head0}); err != nil {
		return res, err
	}
	if err := fanWait(ctx, time.Minute, func() bool { return side.clients() == o.clients },
		func() string { return fmt.Sprintf("the %s server has %d clients", side.label(), side.clients()) }); err != nil {
		return res, err
	}
	m1 := fanMemory()
	res.kbPerConn = perConnKB(m0, m1, o.clients)
	fmt.Fprintf(out, "%s: %d clients connected in %s; server heap in use %+.1f MB, stacks %+.1f MB: %.1f KB per idle connection\n",
		side.label(), o.clients, time.Since(t0).Round(time.Millisecond),
		float64(int64(m1.heapInuse)-int64(m0.heapInuse))/(1<<20), float64(int64(m1.stack)-int64(m0.stack))/(1<<20), res.kbPerConn)
	if err := prof.heap(out); err != nil {
		return res, err
	}
	stopCPU, err := prof.startCPU(out)
	if err != nil {
		return res, err
	}
	c0 := rem.counts()
	cpu0 := cpuTime()
	run, err := fanPublish(ctx, o, rem, side, out)
	stopCPU()
	if err != nil {
		return res, err
	}
	if err := fanVerify(ctx, o, rem, side, head0, run, res, out); err != nil {
		return res, err
	}
	c1 := rem.counts()
	res.serverCPU, res.clientCPU = cpuTime()-cpu0, c1.CPU-c0.CPU
	res.slowDropped = side.slowDropped() - slow0
	fmt.Fprintf(out, "%s: cpu from the first publish to the last client caught up: server %s, clients %s, for %d deliveries: server %.1f ms, clients %.1f ms per 1,000\n",
		side.label(), res.serverCPU.Round(time.Millisecond), res.clientCPU.Round(time.Millisecond), res.delivered,
		perThousandMs(res.serverCPU, res.delivered), perThousandMs(res.clientCPU, res.delivered))
	if _, err := rem.call(fanReq{Op: "park"}); err != nil {
		return res, err
	}
	err = fanWait(ctx, time.Minute, func() bool { return side.clients() == 0 },
		func() string { return fmt.Sprintf("the %s server still has %d clients", side.label(), side.clients()) })
	return res, err
}

// fanProfiles are the profiles a phase writes ("": none).
type fanProfiles struct{ cpu, mem string }

// heap writes a heap profile of this process (after a collection).
func (p fanProfiles) heap(out io.Writer) error {
	if p.mem == "" {
		return nil
	}
	f, err := os.Create(p.mem)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	fmt.Fprintf(out, "profile: heap in use with every client idle written to %s (go tool pprof -sample_index=inuse_space)\n", p.mem)
	return f.Close()
}

// startCPU starts a CPU profile of this process; the function stops it.
func (p fanProfiles) startCPU(out io.Writer) (func(), error) {
	if p.cpu == "" {
		return func() {}, nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		fmt.Fprintf(out, "profile: the server's CPU while publishing written to %s\n", p.cpu)
	}, nil
}

func perThousandMs(d time.Duration, n int64) float64 {
	if n == 0 {
		return 0
	}
	return float64(d) / float64(time.Millisecond) / float64(n) * 1000
}

// fanRun is what happened while publishing.
type fanRun struct {
	start, end  time.Time
	published   int
	delivered   int64 // when publishing ended
	cpu         string
	stalled     int
	stallStart  time.Time
	closedAfter time.Duration // from the stall to the server closing every stalled client; -1 if it did not
	writes      *fanHist      // how long each publish call took
	commit      map[int64]int64
	killedAt    time.Time
	backAfter   time.Duration // from the kill to every client connected again; -1 if not seen
}

// fanStalledClients is how many of n clients stall at pct percent (as
// newFanGen picks them).
func fanStalledClients(n int, pct float64) int {
	if pct <= 0 {
		return 0
	}
	stall, k := max(1, int(float64(n)*pct/100+0.5)), 0
	for i := 0; i < n; i++ {
		if i*stall/n != (i+1)*stall/n {
			k++
		}
	}
	return k
}

// fanPublish publishes events at the rate for the duration, stalling
// clients and restarting the server on the way as asked, with a progress
// line a second.
func fanPublish(ctx context.Context, o fanOptions, rem *fanRemote, side fanSide, out io.Writer) (fanRun, error) {
	text := strings.Repeat("Free party tonight by the old quarry, bring speakers and tell everyone. ", o.size/72+1)[:o.size]
	half := o.duration / 2
	stalled := fanStalledClients(o.clients, o.stallPercent)
	console, _ := side.(*fanConsole)
	var stallC, restartC <-chan time.Time // nil: never
	if stalled > 0 {
		stallC = time.After(half)
	}
	if o.restart && console != nil {
		at := half
		if stalled > 0 {
			at = o.duration * 3 / 4
		}
		restartC = time.After(at)
	}
	r := fanRun{start: time.Now(), closedAfter: -1, backAfter: -1, writes: &fanHist{}, stalled: stalled, commit: map[int64]int64{}}
	cpu0 := fanCPUNow()
	lastCPU := cpu0
	tick := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
	defer tick.Stop()
	progress := time.NewTicker(time.Second)
	defer progress.Stop()
	watch := time.NewTicker(20 * time.Millisecond)
	defer watch.Stop()
	end := time.NewTimer(o.duration)
	defer end.Stop()
	var slowAtStall int64
	last := rem.counts()
	lastAt := r.start
	for {
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-end.C:
			r.end, r.delivered = time.Now(), rem.counts().Delivered
			r.cpu = fanCPUUse(cpu0, fanCPUNow())
			return r, nil
		case <-stallC:
			slowAtStall = side.slowDropped()
			r.stallStart = time.Now()
			if _, err := rem.call(fanReq{Op: "stall", On: true, At: r.stallStart.UnixNano()}); err != nil {
				return r, err
			}
			fmt.Fprintf(out, "stall: %d of %d clients stopped reading at %s\n", stalled, o.clients, r.stallStart.Sub(r.start).Round(10*time.Millisecond))
		case <-restartC:
			r.killedAt = time.Now()
			took, err := console.srv.restart(ctx)
			if err != nil {
				return r, fmt.Errorf("restart: %w", err)
			}
			fmt.Fprintf(out, "restart: killed the server at %s (sockets closed without a close frame) and started it again on %s with the same database in %s\n",
				r.killedAt.Sub(r.start).Round(10*time.Millisecond), console.srv.addr, took.Round(time.Millisecond))
		case <-tick.C:
			c, err := side.publish(ctx, r.published, text)
			if err != nil {
				return r, fmt.Errorf("publish: %w", err)
			}
			for _, seq := range c.seqs {
				r.commit[seq] = c.committed - c.stamp
			}
			r.writes.add(c.took)
			r.published++
		case <-watch.C:
			if !r.killedAt.IsZero() && r.backAfter < 0 && side.clients() == o.clients {
				r.backAfter = time.Since(r.killedAt)
				fmt.Fprintf(out, "restart: all %d clients connected again, resuming by seq, %s after the kill\n",
					o.clients, r.backAfter.Round(10*time.Millisecond))
			}
			if !r.stallStart.IsZero() && r.closedAfter < 0 && side.slowDropped()-slowAtStall >= int64(stalled) {
				r.closedAfter = time.Since(r.stallStart)
				fmt.Fprintf(out, "stall: the server closed all %d stalled clients %s after they stopped reading\n",
					stalled, r.closedAfter.Round(10*time.Millisecond))
			}
		case now := <-progress.C:
			c := rem.counts()
			cpu := fanCPUNow()
			self, machine := fanCores(lastCPU, cpu)
			clientCores := (c.CPU - last.CPU).Seconds() / now.Sub(lastAt).Seconds()
			fmt.Fprintf(out, "%s t=%s published=%d deliveries/s=%.0f connected=%d server_clients=%d slow_dropped=%d reconnects=%d cores_server=%.2f cores_clients=%.2f cores_machine=%.2f\n",
				side.label(), now.Sub(r.start).Round(time.Second), r.published, float64(c.Delivered-last.Delivered)/now.Sub(lastAt).Seconds(),
				c.Connected, side.clients(), side.slowDropped(), c.Connects-int64(o.clients), self, clientCores, machine)
			last, lastAt, lastCPU = c, now, cpu
		}
	}
}

// fanVerify lets every client catch up (stalled ones resume by seq) and
// checks that each has every event once, in order.
func fanVerify(ctx context.Context, o fanOptions, rem *fanRemote, side fanSide, head0 int64, run fanRun, res *fanPhaseResult, out io.Writer) error {
	if run.stalled > 0 {
		if _, err := rem.call(fanReq{Op: "stall", On: false}); err != nil {
			return err
		}
	}
	head, err := side.head(ctx)
	if err != nil {
		return err
	}
	wait := 60*time.Second + fanOr(o.writeWait, 10*time.Second)
	err = fanWait(ctx, wait, func() bool { n, _ := rem.behind(head); return n == 0 },
		func() string { n, m := rem.behind(head); return fmt.Sprintf("%d clients still miss %d events", n, m) })
	if err != nil {
		fmt.Fprintf(out, "%s catch-up: %v\n", side.label(), err)
	} else {
		fmt.Fprintf(out, "%s catch-up: every client has all %d events %s after publishing stopped\n", side.label(), head-head0, time.Since(run.end).Round(time.Millisecond))
	}
	var missing int64
	res.behind, missing = rem.behind(head)
	lat, err := rem.call(fanReq{Op: "latency", Commit: run.commit, Split: run.start.Add(o.duration / 2).UnixNano()})
	if err != nil {
		return err
	}
	c := lat.Counts
	res.lost = c.Gaps + missing
	res.dups, res.resets = c.Dups, c.Resets
	res.published, res.delivered = run.published, c.Delivered
	res.lat.first.addSparse(lat.First)
	res.lat.second.addSparse(lat.Second)
	res.lat.stalled.addSparse(lat.Stalled)
	if console, ok := side.(*fanConsole); ok {
		if res.contiguous, err = console.srv.contiguous(ctx, head0, head); err != nil {
			return err
		}
		fmt.Fprintf(out, "watchroom: hub encoded %d events so far (once each, whatever the clients)\n", console.srv.stats().Encoded)
	}
	res.deliveries = float64(run.delivered) / run.end.Sub(run.start).Seconds()
	fmt.Fprintf(out, "%s: cpu while publishing: %s\n", side.label(), run.cpu)
	fmt.Fprintf(out, "%s: publish calls (a write through the store for watchroom; not in the latency, which counts from commit): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		side.label(), run.writes.quantileMs(0.5), run.writes.quantileMs(0.99), run.writes.quantileMs(1))
	fmt.Fprintf(out, "%s: published %d events in %s (%.1f/s); %d deliveries; closes seen by clients: slow(4008)=%d going-away(1001)=%d abrupt=%d other=%d; reconnects=%d\n",
		side.label(), run.published, run.end.Sub(run.start).Round(time.Millisecond), float64(run.published)/run.end.Sub(run.start).Seconds(),
		c.Delivered, c.ClosedSlow, c.ClosedAway, c.ClosedAbrupt, c.Closed, c.Connects-int64(o.clients))
	p99a, p99b := res.lat.first.quantileMs(0.99), res.lat.second.quantileMs(0.99)
	ratio := 0.0
	if p99a > 0 {
		ratio = p99b / p99a
	}
	if run.stalled > 0 {
		closed := "did not close all of them while they stalled"
		if run.closedAfter >= 0 {
			closed = fmt.Sprintf("closed all of them %s after they stopped reading", run.closedAfter.Round(10*time.Millisecond))
		}
		if f := lat.FilledNs; f > 0 && run.closedAfter >= 0 {
			filled := time.Duration(f - run.stallStart.UnixNano())
			closed += fmt.Sprintf("; the last of their sockets was full %s after they stopped reading (the server's write of the next event blocked), so each was closed at most %s after a write to it blocked",
				filled.Round(10*time.Millisecond), (run.closedAfter - filled).Round(10*time.Millisecond))
		}
		fmt.Fprintf(out, "stall: %d stalled clients; the server %s (write deadline %s); they then resumed by seq: %d deliveries, p99 %.1f ms counted from commit (the stall included)\n",
			run.stalled, closed, fanOr(o.writeWait, 10*time.Second), res.lat.stalled.count(), res.lat.stalled.quantileMs(0.99))
		fmt.Fprintf(out, "stall: the other clients' p99 %.1f ms without stalls (first half), %.1f ms with stalls (second half): x%.2f\n", p99a, p99b, ratio)
	} else {
		fmt.Fprintf(out, "%s halves: p99 %.1f ms in the first half, %.1f ms in the second: x%.2f\n", side.label(), p99a, p99b, ratio)
	}
	return nil
}

func fanOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
