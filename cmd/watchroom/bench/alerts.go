package bench

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// benchAlerts records hits through the store's real write path as fast as
// it takes them, with the alert service evaluating them live through 200
// rules, and reports what was not evaluated (must be 0), the evaluation
// lag sampled over the run, and the process's RSS from the first to the
// last quarter of the run. The baseline is the same write path with
// nothing evaluating, in the same run.
func benchAlerts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench alerts", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nHits := fs.Int("hits", 1_000_000, "hits to record")
	nRules := fs.Int("rules", 200, "alert rules")
	perItem := fs.Int("lists", 4, "hits per item (lists it matches)")
	nOps := fs.Int("operations", 5, "operations the hits fall on")
	nAuthors := fs.Int("authors", 200, "distinct authors, half of them known to the operations before the run")
	baseShare := fs.Float64("baseline", 0.1, "share of --hits recorded first with nothing evaluating, for the baseline rate")
	dir := fs.String("dir", "", "directory for the databases (default: a temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *nHits < 1 || *nRules < 1 || *perItem < 1 || *nOps < 1 || *nAuthors < 2 || *baseShare <= 0 || *baseShare > 1 {
		fmt.Fprintln(stderr, "watchroom bench alerts: --hits, --rules, --lists, --operations must be positive, --authors at least 2, --baseline in (0, 1]")
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "watchroom bench alerts: %v\n", err); return 1 }
	if *dir == "" {
		d, err := os.MkdirTemp("", "watchroom-bench-alerts-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	load := alertLoad{perItem: *perItem, ops: *nOps, authors: *nAuthors}

	// the baseline: the write path alone
	base, err := store.Open(ctx, filepath.Join(*dir, "baseline.db"), logger, store.Options{})
	if err != nil {
		return fail(err)
	}
	baseHits := max(int(float64(*nHits)**baseShare), *perItem)
	t0 := time.Now()
	if err := load.record(ctx, base, 0, baseHits); err != nil {
		return fail(err)
	}
	baseRate := float64(baseHits) / time.Since(t0).Seconds()
	base.Close()
	fmt.Fprintf(stdout, "baseline: %d hits recorded with nothing evaluating: %.0f hits/s\n", baseHits, baseRate)

	st, err := store.Open(ctx, filepath.Join(*dir, "alerts.db"), logger, store.Options{})
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	now := time.Now()
	rules, check := load.rules(*nRules, *nHits)
	eng, err := alerts.New(rules, load.operations(now), nil)
	if err != nil {
		return fail(err)
	}
	for i := range *nOps {
		eng.SeedAuthors(opName(i), load.knownAuthors(), now)
	}
	svc := alerts.NewService(eng, st, logger, alerts.ServiceOptions{Timeline: st, Severity: listSeverity})
	st.SetPublisher(svc.Observe)
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); svc.Run(runCtx) }()
	stopRun := func() { cancel(); wg.Wait() }
	defer stopRun()

	samples := startSampling(runCtx, svc, 100*time.Millisecond)
	t0 = time.Now()
	if err := load.record(ctx, st, 0, *nHits); err != nil {
		return fail(err)
	}
	took := time.Since(t0)
	rate := float64(*nHits) / took.Seconds()
	// every hit evaluated, however far behind it fell
	deadline := time.Now().Add(10 * time.Minute)
	for svc.Stats().Evaluated < int64(*nHits) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	caughtUp := time.Since(t0) - took
	s := samples.stop()
	stats := svc.Stats()
	dropped := int64(*nHits) - stats.Evaluated
	fired := false
	for _, a := range svc.Open() {
		fired = fired || (a.RuleID == check.ID && a.State == alerts.StateFiring)
	}
	stopRun()
	if !fired {
		return fail(fmt.Errorf("the count rule of %d hits on %s did not fire", check.Threshold, check.Operation))
	}
	lagP50, lagP99, lagMax := percentile(s.lag, 50), percentile(s.lag, 99), percentile(s.lag, 100)
	first, last, growth := s.rssGrowth()
	fmt.Fprintf(stdout, "alerts: %d hits (%d a item) in %s: %.0f hits/s, %.2f× the baseline's %.0f; evaluation done %s after the last write\n",
		*nHits, *perItem, took.Round(time.Millisecond), rate, rate/baseRate, baseRate, caughtUp.Round(time.Millisecond))
	fmt.Fprintf(stdout, "rules: %d on %d operations; the count rule of %d hits on %s fired\n", len(rules), *nOps, check.Threshold, check.Operation)
	fmt.Fprintf(stdout, "evaluated: %d events, %d of them read back from the store; dropped %d\n", stats.Evaluated, stats.ReadBack, dropped)
	fmt.Fprintf(stdout, "lag (sampled every 100ms, %d samples): p50 %s, p99 %s, max %s\n", len(s.lag), lagP50, lagP99, lagMax)
	fmt.Fprintf(stdout, "rss: first quarter %.1f MB, last quarter %.1f MB (%d samples)\n", first/1e6, last/1e6, len(s.rss))
	fmt.Fprintf(stdout, "alerts hits=%d rules=%d dropped=%d lag_p99_s=%.3f rss_growth=%.3f\n", *nHits, len(rules), dropped, lagP99.Seconds(), growth)
	return 0
}

// alertLoad makes the benchmark's items, operations and rules.
type alertLoad struct {
	perItem, ops, authors int
}

func opName(i int) string { return fmt.Sprintf("op-%d", i) }

// listSeverity: list-0 critical, list-1 and list-2 high, the rest routine.
func listSeverity(list string) string {
	switch list {
	case "list-0":
		return "critical"
	case "list-1", "list-2":
		return "high"
	}
	return "routine"
}

func (l alertLoad) knownAuthors() []string {
	out := make([]string, l.authors/2)
	for i := range out {
		out[i] = fmt.Sprintf("@author%d", i)
	}
	return out
}

func (l alertLoad) operations(now time.Time) []alerts.Operation {
	ops := make([]alerts.Operation, l.ops)
	for i := range ops {
		ops[i] = alerts.Operation{Operation: watch.Operation{ID: opName(i), Name: opName(i), Start: now.Add(-time.Hour), End: now.Add(24 * time.Hour)},
			Terms: []string{"Ladbroke Grove", "Saturday"}}
	}
	return ops
}

// rules are n rules of every kind that counts hits, for one operation or
// all, the last of them the check: a count just under the hits its
// operation gets, which must fire by the end.
func (l alertLoad) rules(n, hits int) ([]alerts.Rule, alerts.Rule) {
	var rs []alerts.Rule
	for i := range n - 1 {
		r := alerts.Rule{ID: fmt.Sprintf("rule-%d", i)}
		if i%4 != 0 {
			r.Operation = opName(i % l.ops)
		}
		switch i % 10 {
		case 0:
			r.Kind, r.Severity = alerts.KindSeverity, "high"
		case 1, 2, 3:
			r.Kind, r.Threshold, r.Window = alerts.KindCount, []int{100, 1000, 10000}[i%10-1], []time.Duration{5 * time.Minute, time.Hour, 24 * time.Hour}[i%3]
		case 4:
			r.Kind, r.Factor, r.Window, r.Baseline = alerts.KindSpike, 3, 10*time.Minute, 6*time.Hour
		case 5:
			r.Kind, r.Window = alerts.KindPlaceDate, time.Hour
		case 6:
			r.Kind, r.Window = alerts.KindNewAuthor, time.Hour
		default:
			r.Kind, r.Threshold, r.Window = alerts.KindCount, 50*(i%10), 15*time.Minute
		}
		rs = append(rs, r)
	}
	items := (hits + l.perItem - 1) / l.perItem
	onOp0 := (items + l.ops - 1) / l.ops * l.perItem // hits on op-0
	check := alerts.Rule{ID: "check", Kind: alerts.KindCount, Operation: opName(0), Threshold: max(onOp0*95/100, 1), Window: 24 * time.Hour}
	return append(rs, check), check
}

// record writes the items carrying hits [from, to) through RecordItem, the
// ingest path's write.
func (l alertLoad) record(ctx context.Context, st *store.Store, from, to int) error {
	text := []string{"party tonight, bring everyone", "see you on Ladbroke Grove", "Saturday is on", "meet at the usual place"}
	for h := from; h < to; h += l.perItem {
		n := h / l.perItem
		hs := make([]watch.Hit, 0, l.perItem)
		for k := range min(l.perItem, to-h) {
			hs = append(hs, watch.Hit{ListID: fmt.Sprintf("list-%d", k), Terms: []string{"party"}, Operations: []string{opName(n % l.ops)}})
		}
		it := watch.Item{SourceID: "bench", Key: strconv.Itoa(n), Title: "party " + strconv.Itoa(n), Text: text[n%len(text)],
			Author: fmt.Sprintf("@author%d", n%l.authors)}
		if _, _, err := st.RecordItem(ctx, it, hs); err != nil {
			return err
		}
	}
	return nil
}

// sampler takes the service's lag and the process's RSS at an interval.
type sampler struct {
	stopOnce func() sampled
}

type sampled struct {
	lag []time.Duration
	rss []float64 // bytes
}

func startSampling(ctx context.Context, svc *alerts.Service, every time.Duration) sampler {
	done := make(chan sampled)
	stop := make(chan struct{})
	go func() {
		var s sampled
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- s
				return
			case <-stop:
				done <- s
				return
			case <-tick.C:
				s.lag = append(s.lag, svc.Lag())
				if rss, err := readRSS(); err == nil {
					s.rss = append(s.rss, rss)
				}
			}
		}
	}()
	var once sync.Once
	var out sampled
	return sampler{stopOnce: func() sampled {
		once.Do(func() { close(stop); out = <-done })
		return out
	}}
}

func (s sampler) stop() sampled { return s.stopOnce() }

// rssGrowth compares the mean RSS of the run's first and last quarters.
func (s sampled) rssGrowth() (first, last, growth float64) {
	q := len(s.rss) / 4
	if q == 0 {
		return 0, 0, 0
	}
	mean := func(xs []float64) float64 {
		t := 0.0
		for _, x := range xs {
			t += x
		}
		return t / float64(len(xs))
	}
	first, last = mean(s.rss[:q]), mean(s.rss[len(s.rss)-q:])
	return first, last, (last - first) / first
}

// readRSS is the process's resident set, from /proc/self/status.
func readRSS() (float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}
