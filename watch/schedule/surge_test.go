package schedule

import (
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

var start = time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)

func surgeFixture() *Surge {
	op := watch.Operation{ID: "carnival", Start: start, End: start.Add(10 * time.Hour), Sources: []string{"feed"}}
	other := watch.Operation{ID: "gig", Start: start.Add(3 * time.Hour), End: start.Add(5 * time.Hour), Sources: []string{"feed", "forum"}}
	return NewSurge([]watch.Operation{op, other}, map[string]Cadences{"gig": {watch.PhaseLive: 30 * time.Second}})
}

// The cadence in force across the phase boundaries, and put back after.
func TestSurgeCadenceAcrossPhases(t *testing.T) {
	s := surgeFixture()
	cases := []struct {
		source string
		at     time.Duration
		want   time.Duration
		why    string
	}{
		{"feed", -49 * time.Hour, 0, ""},
		{"feed", -48 * time.Hour, 15 * time.Minute, "operation carnival is before"},
		{"feed", -6 * time.Hour, 2 * time.Minute, "operation carnival is imminent"},
		{"feed", 0, time.Minute, "operation carnival is live"},
		{"feed", 3 * time.Hour, 30 * time.Second, "operation gig is live"}, // the faster of the two
		{"forum", 3 * time.Hour, 30 * time.Second, "operation gig is live"},
		{"forum", 0, 2 * time.Minute, "operation gig is imminent"},
		{"feed", 10 * time.Hour, 5 * time.Minute, "operation carnival is after"},
		{"feed", 16 * time.Hour, 0, ""}, // closed: back to the source's own schedule
		{"elsewhere", 0, 0, ""},
	}
	for _, c := range cases {
		d, why := s.Cadence(c.source, start.Add(c.at))
		if d != c.want || why != c.why {
			t.Errorf("%s at %s: %s %q, want %s %q", c.source, c.at, d, why, c.want, c.why)
		}
	}
}

func TestSurgeScheduleNext(t *testing.T) {
	base, err := Parse("@every 1h")
	if err != nil {
		t.Fatal(err)
	}
	ss := surgeSchedule{base: base, source: "feed", surge: surgeFixture()}
	cases := []struct {
		at, want time.Duration
	}{
		{-60 * time.Hour, -59 * time.Hour},                // upcoming: the own hourly schedule
		{-48*time.Hour - 10*time.Minute, -48 * time.Hour}, // woken at the phase change, not an hour later
		{-47 * time.Hour, -47*time.Hour + 15*time.Minute}, // before: every 15 minutes
		{-6*time.Hour - time.Minute, -6 * time.Hour},      // the boundary comes first
		{-time.Hour, -time.Hour + 2*time.Minute},          // imminent
		{time.Hour, time.Hour + time.Minute},              // live
		{3*time.Hour - 10*time.Second, 3 * time.Hour},     // the gig goes live
		{3 * time.Hour, 3*time.Hour + 30*time.Second},     // faster still
		{16 * time.Hour, 17 * time.Hour},                  // closed: back to hourly
	}
	for _, c := range cases {
		if got := ss.Next(start.Add(c.at)); !got.Equal(start.Add(c.want)) {
			t.Errorf("next after %s: %s, want %s", c.at, got.Sub(start), c.want)
		}
	}
}

func TestSurgeScheduleHoldsBackAFailingSource(t *testing.T) {
	base, _ := Parse("@every 1m")
	until := start.Add(10 * time.Minute)
	ss := surgeSchedule{base: base, source: "feed", surge: surgeFixture(), hold: func(string) time.Time { return until }}
	if got := ss.Next(start.Add(time.Hour)); !got.Equal(start.Add(time.Hour + time.Minute)) {
		t.Errorf("after the hold: %s", got.Sub(start)) // the carnival is live: every minute
	}
	if got := ss.Next(start); !got.Equal(until) {
		t.Errorf("during the hold: next %s, want %s", got.Sub(start), until.Sub(start))
	}
}
