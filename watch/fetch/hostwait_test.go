package fetch_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// A 429 with a Retry-After closes its host: no request to it, from any
// URL, before the time it names. A 503's Retry-After is the source's
// alone (its scheduler holds it back), so the host stays open.
func TestRetryAfterClosesTheHost(t *testing.T) {
	var requests atomic.Int32
	limited := atomic.Bool{}
	limited.Store(true)
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if limited.Load() {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("<rss/>"))
	})
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte("<rss/>"))
	})
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Retry-After", "600")
		http.Error(w, "later", http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	clock := watchtest.NewClock(time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC))
	c := newClient(t, fetch.Options{Allow: loopback, Now: clock.Now})
	ctx := context.Background()

	get := func(path string) error {
		_, err := c.Get(ctx, fetch.Request{URL: srv.URL + path})
		return err
	}
	// a 503 with Retry-After leaves the host open
	if fetch.ClassOf(get("/down")) != fetch.ClassHTTP5xx || get("/b") != nil || requests.Load() != 2 {
		t.Fatalf("after a 503: %d requests, want 2", requests.Load())
	}
	if fetch.ClassOf(get("/a")) != fetch.ClassRateLimited || requests.Load() != 3 {
		t.Fatalf("first 429: %d requests", requests.Load())
	}
	limited.Store(false)
	for _, at := range []time.Duration{0, time.Minute, 119 * time.Second} {
		clock.Set(time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC).Add(at))
		for _, path := range []string{"/a", "/b"} {
			err := get(path)
			var fe *fetch.Error
			if !errors.As(err, &fe) || fe.Class != fetch.ClassRateLimited || fe.RetryAfter != 120*time.Second-at {
				t.Fatalf("%s at +%s: err %v, want rate_limited with %s left", path, at, err, 120*time.Second-at)
			}
		}
	}
	if n := requests.Load(); n != 3 {
		t.Fatalf("%d requests reached the host while it had asked for none", n)
	}
	clock.Set(time.Date(2026, 3, 11, 10, 2, 0, 0, time.UTC))
	if err := get("/a"); err != nil {
		t.Fatalf("at the time named: %v", err)
	}
	if err := get("/b"); err != nil || requests.Load() != 5 {
		t.Fatalf("after the time named: %v, %d requests", err, requests.Load())
	}
}
