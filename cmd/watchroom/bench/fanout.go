//go:build linux

package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/ui/live"
)

// fanOptions are bench fanout's flags.
type fanOptions struct {
	clients      int
	rate         float64
	duration     time.Duration
	stallPercent float64
	restart      bool
	data         string
	size         int
	writeWait    time.Duration
	queue        int
	passwordCost int
}

func parseFanOptions(args []string, stderr io.Writer) (fanOptions, error) {
	var o fanOptions
	fs := flag.NewFlagSet("bench fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.clients, "clients", 5000, "websocket clients")
	fs.Float64Var(&o.rate, "rate", 20, "events published per second")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to publish")
	fs.Float64Var(&o.stallPercent, "stall-percent", 0, "share of clients that stop reading for the second half (percent)")
	fs.BoolVar(&o.restart, "restart", false, "kill and restart the server mid-run on the same address and database")
	fs.StringVar(&o.data, "data", "", "data folder (default: a temporary one, removed after)")
	fs.IntVar(&o.size, "size", 256, "bytes of text in each item")
	fs.DurationVar(&o.writeWait, "write-wait", 0, "the hub's write deadline (default: the hub's, 10s)")
	fs.IntVar(&o.queue, "queue", 0, "the hub's per-client queue (default: the hub's, 256)")
	fs.IntVar(&o.passwordCost, "password-cost", ui.PasswordCost, "bcrypt cost of the bench user's password (lower starts faster)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.clients < 1, o.rate <= 0, o.duration <= 0, o.stallPercent < 0, o.stallPercent >= 100, o.size < 0:
		return o, errors.New("--clients, --rate and --duration must be positive, --stall-percent in [0, 100)")
	case o.passwordCost < bcrypt.MinCost || o.passwordCost > bcrypt.MaxCost:
		return o, fmt.Errorf("--password-cost must be in [%d, %d]", bcrypt.MinCost, bcrypt.MaxCost)
	}
	return o, nil
}

// benchFanout opens N websocket clients signed in to a console running in
// this process, publishes timeline events at R per second through the
// store's write path, and checks that every client got every event in
// order. The last line is the summary.
func benchFanout(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFanOptions(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "watchroom bench fanout: %v\n", err)
		}
		return 2
	}
	res, err := runFanout(ctx, o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom bench fanout: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, res.line())
	if !res.ok() {
		fmt.Fprintln(stderr, "watchroom bench fanout: "+res.failure())
		return 1
	}
	return 0
}

// fanResult is what the summary line reports, and what makes a run fail.
type fanResult struct {
	clients            int
	rate               float64
	deliveries         float64 // per second, across clients
	lost, dups, resets int64
	p50, p99           float64
	kbPerConn          float64
	slowDropped        int64
	behind             int
	timelineContiguous bool
}

func (r fanResult) line() string {
	return fmt.Sprintf("fanout clients=%d rate=%g deliveries=%.0f lost=%d p50_ms=%.1f p99_ms=%.1f kb_per_conn=%.1f slow_dropped=%d",
		r.clients, r.rate, r.deliveries, r.lost, r.p50, r.p99, r.kbPerConn, r.slowDropped)
}

func (r fanResult) ok() bool {
	return r.lost == 0 && r.dups == 0 && r.resets == 0 && r.behind == 0 && r.timelineContiguous
}

func (r fanResult) failure() string {
	var why []string
	if r.lost > 0 || r.behind > 0 {
		why = append(why, fmt.Sprintf("%d events lost (%d clients behind)", r.lost, r.behind))
	}
	if r.dups > 0 {
		why = append(why, fmt.Sprintf("%d duplicates", r.dups))
	}
	if r.resets > 0 {
		why = append(why, fmt.Sprintf("%d resets", r.resets))
	}
	if !r.timelineContiguous {
		why = append(why, "the timeline has events the bench did not publish")
	}
	return strings.Join(why, "; ")
}

func runFanout(ctx context.Context, o fanOptions, out, stderr io.Writer) (fanResult, error) {
	res := fanResult{clients: o.clients, rate: o.rate}
	from, to, err := fanRaiseFileLimit(uint64(2*o.clients + 1024))
	if err != nil {
		return res, err
	}
	if to != from {
		fmt.Fprintf(out, "open files: raised the soft limit from %d to %d for %d clients and their server sides\n", from, to, o.clients)
	}
	dir := o.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "watchroom-fanout-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	// one officer holds every board, as the bench's clients share four
	// sessions: the per-person limit on board connections is lifted
	srv, err := newFanServer(dir, live.Options{WriteWait: o.writeWait, QueueSize: o.queue, MaxPerViewer: -1}, logger)
	if err != nil {
		return res, err
	}
	if err := srv.start(ctx); err != nil {
		return res, err
	}
	defer srv.stop()
	base := "http://" + srv.addr
	// a name of its own, so runs on one --data folder do not collide
	user, password := fmt.Sprintf("fanout-%d", time.Now().UnixNano()), "fanout-bench-password"
	if err := srv.addUser(ctx, user, password, o.passwordCost); err != nil {
		return res, fmt.Errorf("add user: %w", err)
	}
	// Sign-in is rate limited per address (5 at once), as in production: a
	// few sessions, shared by the clients like tabs of one browser.
	var cookies []string
	for i := 0; i < min(o.clients, 4); i++ {
		ck, err := fanSignIn(ctx, base, user, password)
		if err != nil {
			return res, err
		}
		cookies = append(cookies, ck)
	}
	genCtx, stopGen := context.WithCancel(ctx)
	defer stopGen()
	g, err := newFanGen(genCtx, o.clients, o.stallPercent, int(to))
	if err != nil {
		return res, err
	}
	head0, err := srv.head(ctx)
	if err != nil {
		return res, err
	}
	target := fanTarget{addr: netip.MustParseAddrPort(srv.addr), origin: base, epoch: srv.epoch(), cookies: cookies}
	if res.kbPerConn, err = fanMeasureIdle(ctx, o, g, srv, target, head0, out); err != nil {
		return res, err
	}
	run, err := fanPublish(ctx, o, g, srv, out)
	if err != nil {
		return res, err
	}
	return fanVerify(ctx, o, g, srv, head0, run, res, out)
}

// fanMeasureIdle connects every client twice: to a bare endpoint (what the
// generator's side of a connection costs this process) and to the
// console; the server's cost per idle connection is the difference of the
// two growths of heap in use plus goroutine stacks, per connection.
func fanMeasureIdle(ctx context.Context, o fanOptions, g *fanGen, srv *fanServer, target fanTarget, head0 int64, out io.Writer) (float64, error) {
	bare, err := startFanBaseline()
	if err != nil {
		return 0, err
	}
	bareTarget := target
	bareTarget.addr = netip.MustParseAddrPort(bare.ln.Addr().String())
	m0 := fanMemory()
	t0 := time.Now()
	if err := g.connectAll(ctx, bareTarget, head0); err != nil {
		bare.close()
		return 0, fmt.Errorf("baseline: %w", err)
	}
	m1 := fanMemory()
	g.parkAll()
	bare.close()
	fmt.Fprintf(out, "baseline: %d clients on a bare endpoint in %s, %.1f KB each (generator side and a socket)\n",
		o.clients, time.Since(t0).Round(time.Millisecond), perConnKB(m0, m1, o.clients))
	m2 := fanMemory()
	t0 = time.Now()
	if err := g.connectAll(ctx, target, head0); err != nil {
		return 0, err
	}
	if err := fanWait(ctx, time.Minute, func() bool { return srv.stats().Clients == o.clients },
		func() string { return fmt.Sprintf("the hub has %d clients", srv.stats().Clients) }); err != nil {
		return 0, err
	}
	m3 := fanMemory()
	g.ctr.closedAbrupt.Store(0) // the baseline's own
	g.ctr.connects.Store(int64(o.clients))
	kb := perConnKB(m2, m3, o.clients) - perConnKB(m0, m1, o.clients)
	fmt.Fprintf(out, "connected: %d clients signed in (%d sessions) in %s; heap in use %+.1f MB, stacks %+.1f MB; server %.1f KB per idle connection\n",
		o.clients, len(target.cookies), time.Since(t0).Round(time.Millisecond),
		float64(int64(m3.heapInuse)-int64(m2.heapInuse))/(1<<20), float64(int64(m3.stack)-int64(m2.stack))/(1<<20), kb)
	return kb, nil
}
