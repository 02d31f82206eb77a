package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestHealthReadyAndMetrics(t *testing.T) {
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "g1", Title: "free party", Link: "https://example.org/1"})
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	get := func(path string) (int, string) {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "scheduler") {
		t.Fatalf("readyz before start: %d %q", code, body)
	}
	a.start(context.Background())
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("readyz after start: %d", code)
	}
	if err := a.pollNow(context.Background(), "local"); err != nil && err.Error() != "a poll of this source is already running" {
		t.Fatal(err)
	}
	waitFor(t, "a hit", 10*time.Second, func() bool {
		_, body := get("/metrics")
		return strings.Contains(body, "watchroom_hits_total 1")
	})
	_, body := get("/metrics")
	for _, want := range []string{`watchroom_polls_total{outcome="ok",source="local"}`, "watchroom_ws_clients 0", "watchroom_poll_seconds_bucket"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
