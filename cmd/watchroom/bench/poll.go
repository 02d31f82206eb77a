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
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/schedule"
	"github.com/watchroom/watchroom/watch/source"
	"github.com/watchroom/watchroom/watch/store"
)

// pollOptions are bench poll's flags.
type pollOptions struct {
	sources   int
	hosts     int
	every     time.Duration
	duration  time.Duration
	unchanged float64
	items     int
	cap       int
	rate      float64
	burst     int
	corpus    string
	data      string
	spread    bool
}

func parsePollOptions(args []string, stderr io.Writer) (pollOptions, error) {
	var o pollOptions
	fs := flag.NewFlagSet("bench poll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.sources, "sources", 5000, "sources to serve and poll")
	fs.IntVar(&o.hosts, "hosts", 0, "host names the sources are spread over (default: one for every 5 sources)")
	fs.DurationVar(&o.every, "every", time.Minute, "how often each source is due (@every)")
	fs.DurationVar(&o.duration, "duration", 2*time.Minute, "how long to run the schedule")
	fs.Float64Var(&o.unchanged, "unchanged", 0.6, "share of sources that answer 304 to a conditional GET")
	fs.IntVar(&o.items, "items", 10, "corpus items in each source's feed")
	fs.IntVar(&o.cap, "cap", fetch.DefaultPerHostConcurrency, "per-host concurrency cap")
	fs.Float64Var(&o.rate, "rate", float64(fetch.DefaultPerHostRate), "per-host requests a second")
	fs.IntVar(&o.burst, "burst", fetch.DefaultPerHostBurst, "per-host burst")
	fs.StringVar(&o.corpus, "corpus", "../shared/corpus", "sample corpus directory the feeds' items come from")
	fs.StringVar(&o.data, "data", "", "data folder (default: a temporary one, removed after)")
	fs.BoolVar(&o.spread, "spread", true, "spread the sources of a host over the interval (false: every source at its plain @every times, for comparison)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.hosts == 0 {
		o.hosts = max(1, o.sources/5)
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.sources < 1, o.hosts < 1, o.every < time.Second, o.duration <= 0, o.items < 1, o.cap < 1, o.rate <= 0, o.burst < 1:
		return o, errors.New("--sources, --hosts, --items, --cap, --rate, --burst and --duration must be positive, --every at least 1s")
	case o.unchanged < 0 || o.unchanged > 1:
		return o, errors.New("--unchanged must be in [0, 1]")
	}
	return o, nil
}

// benchPoll serves N feeds on loopback under many host names and runs the
// real scheduler, fetcher, feed parser, pipeline and store against them
// for a fixed time. The last line is the summary.
func benchPoll(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parsePollOptions(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "watchroom bench poll: %v\n", err)
		}
		return 2
	}
	res, err := runPoll(ctx, o, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom bench poll: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, res.line())
	if res.errors > 0 {
		fmt.Fprintf(stderr, "watchroom bench poll: %d polls failed (first: %s)\n", res.errors, res.firstErr)
		return 1
	}
	return 0
}

type pollResult struct {
	sources              int
	polls                int
	minutes              float64
	p50, p99, worst      float64 // schedule lag, seconds
	maxPerHost, cap      int
	bytesCond, bytesFull int64
	notModified          int64
	errors               int
	firstErr             string
	items, hits          int
}

func (r pollResult) perMin() float64 { return float64(r.polls) / r.minutes }

func (r pollResult) ratio() float64 {
	if r.bytesFull == 0 {
		return 0
	}
	return float64(r.bytesCond) / float64(r.bytesFull)
}

func (r pollResult) line() string {
	return fmt.Sprintf("poll sources=%d polls_per_min=%.0f p99_lag_s=%.2f max_per_host=%d bytes_ratio=%.3f",
		r.sources, r.perMin(), r.p99, r.maxPerHost, r.ratio())
}

// lagLog collects how late each poll finished after it was due.
type lagLog struct {
	mu    sync.Mutex
	lags  []float64
	errs  int
	first string
}

func (l *lagLog) add(lag time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.errs++
		if l.first == "" {
			l.first = err.Error()
		}
		return
	}
	l.lags = append(l.lags, max(0, lag.Seconds()))
}

func runPoll(ctx context.Context, o pollOptions, out io.Writer) (pollResult, error) {
	res := pollResult{sources: o.sources, cap: o.cap}
	items, err := loadCorpusItems(o.corpus)
	if err != nil {
		return res, err
	}
	ps, err := newPollServer(o.sources, o.hosts, o.items, o.unchanged, items)
	if err != nil {
		return res, err
	}
	defer ps.close()

	dir := o.data
	if dir == "" {
		if dir, err = os.MkdirTemp("", "watchroom-poll-"); err != nil {
			return res, err
		}
		defer os.RemoveAll(dir)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, filepath.Join(dir, "watchroom.db"), logger, store.Options{})
	if err != nil {
		return res, err
	}
	defer st.Close()
	client, err := fetch.New(fetch.Options{UserAgent: "watchroom-bench", Timeout: 30 * time.Second,
		Allow:              []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")},
		PerHostConcurrency: o.cap, PerHostRate: rate.Limit(o.rate), PerHostBurst: o.burst,
		Resolver: loopbackResolver{}})
	if err != nil {
		return res, err
	}
	defer client.CloseIdleConnections()
	lists := []watch.WatchList{
		{ID: "police", Name: "Police", Query: `police OR officers OR "police board"`},
		{ID: "events", Name: "Events", Query: `festival OR "free party" OR rave OR gathering`},
	}
	matcher, err := watch.NewMatcher(lists, nil)
	if err != nil {
		return res, err
	}
	var mu sync.Mutex
	pipe := watch.NewPipeline(source.NewPoller(client), matcher, st, logger, watch.PipelineOptions{OnPoll: func(r watch.PollReport) {
		mu.Lock()
		res.items += r.New
		res.hits += r.Hits
		mu.Unlock()
	}})

	srcs := make([]watch.Source, o.sources)
	spec := "@every " + o.every.String()
	for i := range srcs {
		srcs[i] = watch.Source{ID: fmt.Sprintf("s%05d", i), Kind: source.KindFeed, URL: ps.url(i), Schedule: spec}
	}
	fmt.Fprintf(out, "sources: %d feeds of %d corpus items on %d host names, %.0f%% unchanged, due every %s; per host: %d at once, %g/s, burst %d\n",
		o.sources, o.items, o.hosts, o.unchanged*100, o.every, o.cap, o.rate, o.burst)

	// A hub that has run for a while holds every source's validators: prime
	// them with one poll each (not counted), as a first start would.
	prime := time.Now()
	if err := primeSources(ctx, pipe, srcs); err != nil {
		return res, err
	}
	fmt.Fprintf(out, "primed: one poll of every source in %.1fs, not counted\n", time.Since(prime).Seconds())
	ps.reset()
	res.items, res.hits = 0, 0

	sched := schedule.New(logger, time.UTC)
	offsets := schedule.Spread(srcs)
	if !o.spread {
		clear(offsets)
	}
	lags := &lagLog{}
	// The window is [start, end): polls due in it are counted, and the
	// schedule runs on until each has finished; polls due later are not
	// made, so the count is not cut at the edge.
	var end time.Time // set just before the runner starts
	var inWindow sync.WaitGroup
	var pending sync.Mutex // guards inWindow.Add against the final Wait
	closed := false
	for _, s := range srcs {
		s := s
		due, err := schedule.SourceSchedule(s.ID, s.Schedule, offsets[s.ID], nil, nil)
		if err != nil {
			return res, err
		}
		err = sched.AddSourceAt(s.ID, s.Schedule, offsets[s.ID], nil, nil, func(ctx context.Context) {
			// the run this call is for: the last one due at or before now
			at := due.Next(time.Now().Add(-o.every))
			pending.Lock()
			if closed || !at.Before(end) {
				pending.Unlock()
				return
			}
			inWindow.Add(1)
			pending.Unlock()
			defer inWindow.Done()
			err := pipe.Poll(ctx, s)
			if ctx.Err() != nil {
				return
			}
			lags.add(time.Since(at), err)
		})
		if err != nil {
			return res, err
		}
	}
	end = time.Now().Add(o.duration)
	sched.Start()
	select {
	case <-time.After(time.Until(end) + time.Second): // the cron runner starts a due job within milliseconds
	case <-ctx.Done():
	}
	pending.Lock()
	closed = true
	pending.Unlock()
	inWindow.Wait()
	elapsed := o.duration
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	sched.Stop(stopCtx)
	cancel()

	lags.mu.Lock()
	defer lags.mu.Unlock()
	res.polls, res.errors, res.firstErr = len(lags.lags), lags.errs, lags.first
	res.minutes = elapsed.Minutes()
	if len(lags.lags) > 0 {
		slices.Sort(lags.lags)
		res.p50 = lags.lags[len(lags.lags)/2]
		res.p99 = lags.lags[min(len(lags.lags)-1, len(lags.lags)*99/100)]
		res.worst = lags.lags[len(lags.lags)-1]
	}
	res.maxPerHost = max(ps.maxPerHost(), client.Stats().MaxPerHost)
	res.bytesCond = ps.wrote.Load()
	res.bytesFull = res.bytesCond + ps.saved.Load()
	res.notModified = ps.not.Load()
	fmt.Fprintf(out, "ran %.1fs (polls due then, each to its end): %d polls (%d answered 304), %d failed; lag p50 %.2fs p99 %.2fs max %.2fs; %d new items, %d hits recorded\n",
		elapsed.Seconds(), res.polls, res.notModified, res.errors, res.p50, res.p99, res.worst, res.items, res.hits)
	fmt.Fprintf(out, "bytes sent by the sources: %d with conditional GET, %d had every poll been unconditional; most requests at once on one host: %d (cap %d)\n",
		res.bytesCond, res.bytesFull, res.maxPerHost, o.cap)
	return res, nil
}

// primeSources polls every source once, a few at a time.
func primeSources(ctx context.Context, pipe *watch.Pipeline, srcs []watch.Source) error {
	work := make(chan watch.Source)
	errs := make(chan error, len(srcs))
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if err := pipe.Poll(ctx, s); err != nil {
					errs <- fmt.Errorf("prime %s: %w", s.ID, err)
				}
			}
		}()
	}
	for _, s := range srcs {
		work <- s
	}
	close(work)
	wg.Wait()
	close(errs)
	return <-errs // nil when none failed
}
