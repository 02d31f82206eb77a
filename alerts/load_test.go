package alerts

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/store/storetest"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// recordHits records n matching items on the operation, one a second.
func recordHits(t *testing.T, st *store.Store, c *watchtest.Clock, from, n int) {
	t.Helper()
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		c.Add(time.Second / 10)
		_, _, err := st.RecordItem(ctx, watch.Item{SourceID: "s", Key: fmt.Sprint("k", i), Title: "rave", Text: strings.Repeat("x", 500),
			Author: fmt.Sprint("@a", i%7)}, []watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: []string{"op"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func openAlert(s *Service, rule string) (Alert, bool) {
	for _, a := range s.Open() {
		if a.RuleID == rule {
			return a, true
		}
	}
	return Alert{}, false
}

// Far more hits than the queue holds, none evaluated while they arrive:
// the service leaves the rest in the store, reads them back by seq and
// evaluates every one, so a count rule just under the total fires without
// a restart (the queue used to drop them, and the rule stayed quiet).
func TestAFullQueueCatchesUpFromTheStoreByseq(t *testing.T) {
	c := newClock()
	st := storetest.Open(t, c.Now)
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 1900, Window: time.Hour})
	svc := NewService(e, st, watchtest.Logger(), ServiceOptions{Timeline: st, QueueSize: 50, PageSize: 128})
	st.SetPublisher(svc.Observe)
	recordHits(t, st, c, 0, 2000)
	if got := len(queued(svc)); got != 0 && got != 50 {
		t.Fatalf("queue %d", got)
	}
	// put them back: queued only looked
	svc.qmu.Lock()
	svc.queue = nil
	svc.qmu.Unlock()
	if st := svc.Stats(); st.Behind == 0 {
		t.Fatalf("nothing waits: %+v", st)
	}
	ctx := context.Background()
	if err := svc.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	a, ok := openAlert(svc, "busy")
	if !ok || a.State != StateFiring || !strings.HasPrefix(a.Summary, "2000 hits, 7 authors") {
		t.Fatalf("count rule: %+v", a)
	}
	stats := svc.Stats()
	if stats.ReadBack < 1950 || stats.Evaluated != 2000 || stats.Behind != 0 || svc.Lag() != 0 || svc.Cursor().HitID != 2000 {
		t.Fatalf("stats %+v, cursor %+v", stats, svc.Cursor())
	}
}

// The position is kept in the store: after a restart the hits evaluated
// before fill the windows again and only the events after the position
// are evaluated, so nothing is counted twice and nothing is missed.
func TestARestartResumesFromTheSavedPosition(t *testing.T) {
	c := newClock()
	st := storetest.Open(t, c.Now)
	ctx := context.Background()
	rule := Rule{ID: "busy", Kind: KindCount, Threshold: 250, Window: time.Hour}
	e := engine(t, c, rule)
	svc := NewService(e, st, watchtest.Logger(), ServiceOptions{Timeline: st, SaveEvery: time.Hour})
	st.SetPublisher(svc.Observe)
	recordHits(t, st, c, 0, 100)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(runCtx) }()
	watchtest.WaitFor(t, "100 hits evaluated", 10*time.Second, func() bool { return svc.Stats().Evaluated == 100 })
	cancel()
	<-done // Run saves its position on the way out
	saved, ok, err := st.AlertCursor(ctx)
	if err != nil || !ok || saved != svc.Cursor() || saved.HitID != 100 {
		t.Fatalf("saved %+v %v %v, cursor %+v", saved, ok, err, svc.Cursor())
	}
	// 200 more while it is down
	st.SetPublisher(func([]watch.Event) {})
	recordHits(t, st, c, 100, 200)

	e2 := engine(t, c, rule)
	svc2 := NewService(e2, st, watchtest.Logger(), ServiceOptions{Timeline: st})
	st.SetPublisher(svc2.Observe)
	hits, err := st.HitsSince(ctx, c.Now().Add(-time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var before []watch.HitView
	for _, h := range hits {
		if h.ID <= saved.HitID {
			before = append(before, h)
		}
	}
	if err := svc2.Restore(ctx, nil, before, nil); err != nil {
		t.Fatal(err)
	}
	head, _ := st.Head(ctx)
	svc2.Resume(saved, head)
	if svc2.Stats().Behind == 0 {
		t.Fatal("nothing to catch up after the restart")
	}
	if err := svc2.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	a, ok := openAlert(svc2, "busy")
	if !ok || !strings.HasPrefix(a.Summary, "300 hits") {
		t.Fatalf("after the restart: %+v", a)
	}
	if st := svc2.Stats(); st.Evaluated != 200 || st.ReadBack != 200 {
		t.Fatalf("evaluated after the restart %+v", st)
	}
}

// Evaluation falling behind shows as a lag, and an evaluation_lag rule
// alerts on it; once caught up, the lag is 0 and the alert resolves.
func TestLagIsMeasuredAndAlertedOn(t *testing.T) {
	c := newClock()
	st := storetest.Open(t, c.Now)
	ctx := context.Background()
	e := engine(t, c, Rule{ID: "lag", Kind: KindEvaluationLag, Lag: time.Minute})
	svc := NewService(e, st, watchtest.Logger(), ServiceOptions{Timeline: st, QueueSize: 10})
	st.SetPublisher(svc.Observe)
	recordHits(t, st, c, 0, 20) // 2 s of hits, the first at t0+100ms
	if got := svc.Lag(); got != 2*time.Second-100*time.Millisecond {
		t.Fatalf("lag %s", got)
	}
	c.Add(30 * time.Second)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := openAlert(svc, "lag"); ok {
		t.Fatal("alerted under the rule's lag")
	}
	c.Add(time.Minute)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	a, ok := openAlert(svc, "lag")
	if !ok || a.State != StateFiring || a.Severity != "high" || !strings.Contains(a.Summary, "more than 1m behind") {
		t.Fatalf("lag alert %+v", a)
	}
	if err := svc.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := svc.Lag(); got != 0 {
		t.Fatalf("lag after catching up %s", got)
	}
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := openAlert(svc, "lag"); ok {
		t.Fatal("the lag alert did not resolve")
	}
}

// What the engine keeps does not grow with the hits: 20,000 hits with
// their text inside one window hold a few kilobytes of counts, not the
// hits (the engine used to keep every hit of the window, text and all).
func TestEngineMemoryDoesNotGrowWithHits(t *testing.T) {
	c := newClock()
	e := engine(t, c,
		Rule{ID: "busy", Kind: KindCount, Threshold: 10, Window: time.Hour},
		Rule{ID: "high", Kind: KindSeverity, Severity: "high", Window: time.Hour},
		Rule{ID: "spike", Kind: KindSpike, Factor: 3, Window: 10 * time.Minute, Baseline: 6 * time.Hour},
		Rule{ID: "place", Kind: KindPlaceDate, Window: time.Hour},
		Rule{ID: "newbie", Kind: KindNewAuthor, Window: time.Hour})
	e.SeedAuthors("op", []string{"@0", "@1", "@2", "@3", "@4"}, c.Now())
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	text := strings.Repeat("meet at Ladbroke Grove ", 20)
	observe := func(from, n int) {
		batch := make([]Hit, 0, 500)
		for i := from; i < from+n; i++ {
			c.Add(50 * time.Millisecond)
			batch = append(batch, Hit{ID: int64(i), At: c.Now(), Operations: []string{"op"}, Severity: "high",
				Author: fmt.Sprint("@", i%5), Title: "rave", Text: text})
			if len(batch) == cap(batch) {
				e.ObserveHits(batch)
				batch = batch[:0]
			}
		}
	}
	observe(0, 5000)
	before := heap()
	observe(5000, 20000)
	after := heap()
	if grew := int64(after) - int64(before); grew > 1<<20 {
		t.Fatalf("the engine grew by %d bytes over 20,000 hits", grew)
	}
	a, ok := func() (Alert, bool) {
		for _, a := range e.Open() {
			if a.RuleID == "busy" {
				return a, true
			}
		}
		return Alert{}, false
	}()
	// 25,000 hits 50 ms apart: the last hour holds them all
	if !ok || !strings.HasPrefix(a.Summary, "25000 hits, 5 authors") || len(a.Evidence) != maxEvidence {
		t.Fatalf("count alert %+v", a)
	}
}

// The bucketed counts agree with counting every hit: hits on bucket
// edges, some late, windows sliding with the clock.
func TestSeriesCountsLikeEveryHit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		window := time.Duration(1+rng.IntN(120)) * time.Minute
		baseline := time.Duration(0)
		if round%2 == 0 {
			baseline = time.Duration(1+rng.IntN(24)) * time.Hour
		}
		s := newSeries("fp", window, baseline)
		type hit struct {
			at  time.Time
			sev int
		}
		var all []hit
		now := t0
		w := time.Duration(s.width) // times on bucket edges, so counting is exact
		for step := range 400 {
			now = now.Add(time.Duration(rng.IntN(90)) * w)
			if rng.IntN(3) > 0 {
				// a hit now, or up to 60 buckets late
				h := hit{now.Add(-time.Duration(rng.IntN(60)) * w), rng.IntN(3)}
				s.add(h.at, int64(step), h.sev, uint64(1+rng.IntN(9)))
				all = append(all, h)
			}
			s.advance(now)
			var cur, base tally
			from := now.Add(-window)
			for _, h := range all {
				switch {
				case h.at.After(from):
					cur.add(h.sev, 1)
				case h.at.After(from.Add(-baseline)):
					base.add(h.sev, 1)
				}
			}
			if baseline == 0 {
				base = tally{}
			}
			if cur != s.cur || base != s.base {
				t.Fatalf("round %d step %d (window %s, baseline %s): counted %+v %+v, want %+v %+v", round, step, window, baseline, s.cur, s.base, cur, base)
			}
		}
	}
}
