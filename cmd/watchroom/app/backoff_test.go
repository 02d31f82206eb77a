package app

import (
	"errors"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

func TestBackoffAfterFailuresAndRetryAfter(t *testing.T) {
	c := watchtest.NewClock(time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC))
	b := newBackoffs(c.Now)
	b.policy.Jitter = func() float64 { return 1 } // the full step, for exact figures
	fail := &fetch.Error{Class: fetch.ClassHTTP5xx, Status: 503}
	var got []time.Duration
	for i := 0; i < 3; i++ {
		b.note(watch.PollReport{Source: "s", Err: fail})
		got = append(got, b.until("s").Sub(c.Now()))
	}
	if !(got[0] > 0 && got[1] > got[0] && got[2] > got[1]) {
		t.Fatalf("delays %v do not grow", got)
	}
	// a Retry-After longer than the step wins
	b.note(watch.PollReport{Source: "s", Err: &fetch.Error{Class: fetch.ClassRateLimited, Status: 429, RetryAfter: 3 * time.Hour}})
	if d := b.until("s").Sub(c.Now()); d < 3*time.Hour {
		t.Fatalf("retry-after ignored: %s", d)
	}
	// busy and paused are not failures; success clears
	b.note(watch.PollReport{Source: "s", Err: watch.ErrBusy})
	if b.until("s").IsZero() {
		t.Fatal("a busy report cleared the backoff")
	}
	b.note(watch.PollReport{Source: "s"})
	if !b.until("s").IsZero() {
		t.Fatal("success did not clear the backoff")
	}
	b.note(watch.PollReport{Source: "t", Err: errors.New("boom")})
	if b.until("t").Sub(c.Now()) <= 0 {
		t.Fatal("no backoff for a plain error")
	}
}
