package schedule

import (
	"testing"
	"time"
)

func TestInterval(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 31, 10, 0, time.UTC)
	for _, c := range []struct {
		spec string
		want time.Duration
	}{
		{"@every 20s", 20 * time.Second},
		{"@every 5m", 5 * time.Minute},
		{"*/5 * * * *", 5 * time.Minute},
		{"@hourly", time.Hour},
		{"0 9,17 * * *", 0}, // twice a day, not at a steady pace
		{"not a spec", 0},
		{"", 0},
	} {
		if got := Interval(c.spec, now); got != c.want {
			t.Errorf("Interval(%q) = %v, want %v", c.spec, got, c.want)
		}
	}
}

func TestEffective(t *testing.T) {
	for _, c := range []struct{ own, surge, want time.Duration }{
		{20 * time.Second, time.Minute, 20 * time.Second}, // a fast feed stays fast in a surge
		{5 * time.Minute, time.Minute, time.Minute},
		{5 * time.Minute, 0, 5 * time.Minute},
		{0, time.Minute, time.Minute},
		{0, 0, 0},
	} {
		if got := Effective(c.own, c.surge); got != c.want {
			t.Errorf("Effective(%v, %v) = %v, want %v", c.own, c.surge, got, c.want)
		}
	}
}

func TestEvery(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "20s"}, {time.Minute, "1m"}, {90 * time.Second, "1m30s"},
		{time.Hour, "1h"}, {90 * time.Minute, "1h30m"}, {time.Hour + time.Second, "1h0m1s"},
	} {
		if got := Every(c.d); got != c.want {
			t.Errorf("Every(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	now := time.Date(2026, 12, 3, 7, 31, 10, 0, time.UTC)
	for _, c := range []struct {
		spec       string
		surge      time.Duration
		every, why string
	}{
		{"@every 20s", time.Minute, "polled every 20s", "its own schedule"}, // not the surge's slower minute
		{"@every 1h", time.Minute, "polled every 1m", "operation gig is live"},
		{"@every 1h", 0, "polled every 1h", "its own schedule"},
		{"*/5 * * * *", 0, "polled every 5m", "its own schedule"},
		{"0 9,17 * * *", 0, "polled on the schedule 0 9,17 * * *", "its own schedule"},
		{"0 9,17 * * *", 2 * time.Minute, "polled every 2m", "operation gig is live"},
	} {
		every, why := Describe(c.spec, c.surge, "operation gig is live", now)
		if every != c.every || why != c.why {
			t.Errorf("Describe(%q, %v) = %q, %q; want %q, %q", c.spec, c.surge, every, why, c.every, c.why)
		}
	}
}
