package app

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
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
	a.Start(context.Background())
	if code, _ := get("/readyz"); code != 200 {
		t.Fatalf("readyz after start: %d", code)
	}
	if err := a.pollNow(context.Background(), "local"); err != nil && err.Error() != "a poll of this source is already running" {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "a hit", 10*time.Second, func() bool {
		_, body := get("/metrics")
		return strings.Contains(body, "watchroom_hits_total 1")
	})
	// the hit was evaluated for alerts: nothing waits, and the lag says so
	watchtest.WaitFor(t, "the hit evaluated for alerts", 10*time.Second, func() bool {
		_, body := get("/metrics")
		return strings.Contains(body, "watchroom_alerts_lag_seconds 0") && strings.Contains(body, "watchroom_alerts_behind_seq 0") &&
			!strings.Contains(body, "watchroom_alerts_evaluated_total 0")
	})
	_, body := get("/metrics")
	for _, want := range []string{`watchroom_polls_total{outcome="ok",source="local"}`, "watchroom_ws_clients 0", "watchroom_poll_seconds_bucket",
		"watchroom_alerts_evaluated_total", "watchroom_alerts_read_back_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// A push to a webhook source is counted as a push, not as a poll.
func TestMetricsTellPushesFromPolls(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := newMetrics(reg)
	m.observePoll(watch.PollReport{Source: "scanner", Pushed: true, Hits: 2})
	m.observePoll(watch.PollReport{Source: "scanner", Pushed: true, Err: errors.New("paused")})
	m.observePoll(watch.PollReport{Source: "feed", NotModified: true})
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, mt := range f.GetMetric() {
			key := f.GetName()
			for _, l := range mt.GetLabel() {
				key += " " + l.GetName() + "=" + l.GetValue()
			}
			got[key] = mt.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"watchroom_pushes_total outcome=ok source=scanner":       1,
		"watchroom_pushes_total outcome=error source=scanner":    1,
		"watchroom_polls_total outcome=not_modified source=feed": 1,
		"watchroom_hits_total":                                   2,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "watchroom_polls_total") && strings.Contains(k, "scanner") || strings.HasPrefix(k, "watchroom_poll_errors_total") {
			t.Errorf("a push counted as a poll: %s", k)
		}
	}
}
