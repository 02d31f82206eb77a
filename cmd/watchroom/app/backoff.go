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
}

type backoffState struct {
	failures int
	until    time.Time
}

func newBackoffs(now func() time.Time) *backoffs {
	return &backoffs{now: now, policy: fetch.Backoff{Base: fetch.DefaultBackoffBase, Max: fetch.DefaultBackoffMax},
		state: map[string]backoffState{}}
}

// note takes a finished poll.
func (b *backoffs) note(r watch.PollReport) {
	if errors.Is(r.Err, watch.ErrBusy) || errors.Is(r.Err, watch.ErrPaused) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if r.Err == nil {
		delete(b.state, r.Source)
		return
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
}

// until is when a source may next be polled by its schedule.
func (b *backoffs) until(source string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.state[source].until
}
