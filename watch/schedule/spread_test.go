package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

func spreadFixture() []watch.Source {
	var srcs []watch.Source
	for i := range 12 {
		srcs = append(srcs, watch.Source{ID: fmt.Sprintf("a-%d", i), URL: fmt.Sprintf("https://A.example/feed/%d", i), Schedule: "@every 1m"})
	}
	for i := range 5 {
		srcs = append(srcs, watch.Source{ID: fmt.Sprintf("b-%d", i), URL: fmt.Sprintf("https://b.example:8443/%d", i), Schedule: "*/5 * * * *"})
	}
	return append(srcs,
		watch.Source{ID: "daily", URL: "https://c.example/", Schedule: "0 9 * * *"},
		watch.Source{ID: "bad", URL: "https://c.example/x", Schedule: "never"})
}

// Sources of one host fire at distinct times, each at its own cadence,
// from an injected instant (no cron runner, no real clock).
func TestSpreadGivesSourcesOfOneHostDistinctFireTimes(t *testing.T) {
	srcs := spreadFixture()
	offs := Spread(srcs)
	from := time.Date(2026, 8, 29, 12, 0, 7, 0, time.UTC)

	for _, host := range []struct {
		prefix   string
		n        int
		interval time.Duration
	}{{"a-", 12, time.Minute}, {"b-", 5, 5 * time.Minute}} {
		seen := map[time.Time]string{}
		for i := range host.n {
			id := fmt.Sprintf("%s%d", host.prefix, i)
			off := offs[id]
			if off < 0 || off >= host.interval {
				t.Fatalf("%s: offset %s outside [0, %s)", id, off, host.interval)
			}
			sched, err := SourceSchedule(id, srcs[slices.IndexFunc(srcs, func(s watch.Source) bool { return s.ID == id })].Schedule, off, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			first := sched.Next(from)
			if !first.After(from) || first.Sub(from) > host.interval {
				t.Errorf("%s: first run %s after the start, want within %s", id, first.Sub(from), host.interval)
			}
			if other, dup := seen[first]; dup {
				t.Errorf("%s and %s of one host both fire at %s", id, other, first)
			}
			seen[first] = id
			// the cadence is kept, run after run
			prev := first
			for range 5 {
				next := sched.Next(prev)
				if got := next.Sub(prev); got != host.interval {
					t.Fatalf("%s: %s between runs, want %s", id, got, host.interval)
				}
				prev = next
			}
		}
		// spread over the interval, not bunched: the span of first runs
		// covers most of it
		var firsts []time.Time
		for ft := range seen {
			firsts = append(firsts, ft)
		}
		slices.SortFunc(firsts, time.Time.Compare)
		if span := firsts[len(firsts)-1].Sub(firsts[0]); span < host.interval/2 {
			t.Errorf("%s: first runs span %s of %s", host.prefix, span, host.interval)
		}
	}

	if off := offs["daily"]; off <= 0 || off >= MaxSpread {
		t.Errorf("daily source offset %s, want within (0, %s)", off, MaxSpread)
	}
	if _, ok := offs["bad"]; ok {
		t.Error("a source whose spec cannot be read got an offset")
	}
}

func TestSpreadIsDeterministic(t *testing.T) {
	srcs := spreadFixture()
	want := Spread(srcs)
	slices.Reverse(srcs)
	got := Spread(srcs)
	for id, off := range want {
		if got[id] != off {
			t.Errorf("%s: %s in another order, %s before", id, got[id], off)
		}
	}
}

// Surge keeps working on a spread source: the operation's cadence while it
// is in force, the phase changes on time, and the source's own offset
// schedule once it ends.
func TestSpreadKeepsSurge(t *testing.T) {
	const off = 17 * time.Second
	sched, err := SourceSchedule("feed", "@every 1h", off, surgeFixture(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ at, want time.Duration }{
		{-60 * time.Hour, -60*time.Hour + off},                        // own hourly runs, 17 s past the hour
		{-48*time.Hour - 10*time.Minute, -48 * time.Hour},             // woken at the phase change
		{-47*time.Hour + time.Minute, -47*time.Hour + 16*time.Minute}, // before: every 15 minutes
		{-47 * time.Hour, -47*time.Hour + off},                        // or sooner, when its own run comes first
		{time.Hour + time.Minute, time.Hour + 2*time.Minute},          // live
		{3*time.Hour - 10*time.Second, 3 * time.Hour},                 // the gig goes live
		{3*time.Hour + time.Minute, 3*time.Hour + 90*time.Second},     // faster still
		{16*time.Hour + time.Minute, 17*time.Hour + off},              // closed: back to hourly, offset kept
	}
	for _, c := range cases {
		if got := sched.Next(start.Add(c.at)); !got.Equal(start.Add(c.want)) {
			t.Errorf("next after %s: %s, want %s", c.at, got.Sub(start), c.want)
		}
	}
}

// The scheduler's runner places a spread source's next run at its offset.
func TestAddSourceAtRunsAtTheOffset(t *testing.T) {
	s := New(slog.New(slog.NewTextHandler(&watchtest.SyncBuffer{}, nil)), time.UTC)
	const off = 23*time.Second + 500*time.Millisecond
	if err := s.AddSourceAt("a", "@every 1m", off, nil, nil, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background())
	var next time.Time
	waitUntil(t, func() bool { next = s.Next("a"); return !next.IsZero() })
	if got := next.Sub(next.Truncate(time.Minute)); got != off {
		t.Errorf("next run %s is %s past the minute, want %s", next, got, off)
	}
}

// waitUntil polls cond until it holds, failing the test after a few seconds.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the condition")
		}
		<-tick.C
	}
}
