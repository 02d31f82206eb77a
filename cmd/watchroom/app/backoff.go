package app

import (
	"errors"
	"sync"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

// backoffs holds failing sources back: after the n-th failure in a row a
// source waits fetch.Backoff's delay (never less than a Retry-After) before
// its schedule may run it again. Success clears it.
type backoffs struct {
	mu     sync.Mutex
	now    func() time.Time
	policy fetch.Backoff
	state  map[string]backoffState
	// after a source's poll at start its schedule waits until this, so the
	// start poll and a slot seconds later do not both poll it
	started map[string]time.Time
}

type backoffState struct {
	failures int
	until    time.Time
}

func newBackoffs(now func() time.Time) *backoffs {
	return &backoffs{now: now, policy: fetch.Backoff{Base: fetch.DefaultBackoffBase, Max: fetch.DefaultBackoffMax},
		state: map[string]backoffState{}, started: map[string]time.Time{}}
}

// startedAt holds a source's schedule back until next: its start poll is
// under way.
func (b *backoffs) startedAt(source string, next time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.started[source] = next
}

// note takes a finished poll, and reports whether the source is now held
// back (its schedule must then work out its next run again).
func (b *backoffs) note(r watch.PollReport) bool {
	if errors.Is(r.Err, watch.ErrBusy) || errors.Is(r.Err, watch.ErrPaused) {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.Err == nil {
		delete(b.state, r.Source)
		return false
	}
	var retryAfter time.Duration
	var fe *fetch.Error
	if errors.As(r.Err, &fe) {
		retryAfter = fe.RetryAfter
	}
	st := b.state[r.Source]
	st.failures++
	st.until = b.now().Add(b.policy.Next(st.failures, retryAfter))
	b.state[r.Source] = st
	return true
}

// until is when a source may next be polled by its schedule.
func (b *backoffs) until(source string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := b.state[source].until
	if s := b.started[source]; s.After(u) {
		return s
	}
	return u
}
