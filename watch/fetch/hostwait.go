package fetch

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// hostWaits remembers the hosts that answered 429 with a Retry-After: a rate
// limit is the server's, not one URL's, so until the time it names no
// request goes to that host, whichever source asks. A 503's Retry-After
// holds back only the source that got it (its scheduler's backoff): one
// feed being down says nothing of the others on its host.
type hostWaits struct {
	mu    sync.Mutex
	until map[string]time.Time
}

// note takes a response's error: a 429 with a Retry-After closes the host
// until then.
func (w *hostWaits) note(host string, e *Error, now time.Time) {
	if e == nil || e.Status != http.StatusTooManyRequests || e.RetryAfter <= 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.until == nil {
		w.until = map[string]time.Time{}
	}
	for h, u := range w.until { // forget the limits that are over
		if !u.After(now) {
			delete(w.until, h)
		}
	}
	if u := now.Add(e.RetryAfter); u.After(w.until[host]) {
		w.until[host] = u
	}
}

// check returns the refusal for a request to host while it is closed, or nil.
func (w *hostWaits) check(host string, now time.Time) *Error {
	w.mu.Lock()
	u, ok := w.until[host]
	w.mu.Unlock()
	if !ok || !u.After(now) {
		return nil
	}
	wait := u.Sub(now)
	return &Error{Class: ClassRateLimited, Status: http.StatusTooManyRequests, RetryAfter: wait,
		Msg: fmt.Sprintf("%s asked for no requests until %s (429 with Retry-After); not asked again before then, %s from now",
			host, u.UTC().Format(time.RFC3339), wait.Round(time.Second))}
}
