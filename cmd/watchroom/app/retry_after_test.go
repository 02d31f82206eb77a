package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/schedule"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// startScheduled starts the whole console with its schedules on a config
// whose one source is at url on spec.
func startScheduled(t *testing.T, url, spec string) *App {
	t.Helper()
	text := strings.Replace(fmt.Sprintf(e2eConfig, tempDataDir(t), url), `schedule: "@every 1h"`, fmt.Sprintf("schedule: %q", spec), 1)
	text = strings.Replace(text, `allow_private: ["127.0.0.1/32"]`, `allow_private: ["127.0.0.0/8"]`, 1)
	cfg, err := config.Parse("e2e.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Stop(context.Background()) })
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// serveOn answers every request with h on a loopback address, counting them.
func serveOn(t *testing.T, addr string, h http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h(w, r) })}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/feed.xml", &n
}

// After a 429 with Retry-After: 120 the source's next run is at least 120 s
// away: the failure makes its schedule work out the next run again, instead
// of keeping the one computed when the poll started.
func TestRetryAfterHoldsTheNextRun(t *testing.T) {
	url, requests := serveOn(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	started := time.Now()
	a := startScheduled(t, url, "@every 1m")
	watchtest.WaitFor(t, "the start poll", 10*time.Second, func() bool { return requests.Load() == 1 })
	watchtest.WaitFor(t, "the next run to move past the Retry-After", 10*time.Second, func() bool {
		return !a.sched.Next("local").Before(started.Add(120 * time.Second))
	})
	if n := requests.Load(); n != 1 {
		t.Fatalf("%d requests, want the start poll only", n)
	}
}

// A source is polled once at start: its schedule resumes half an interval
// later, even when its slot comes seconds after the start poll.
func TestOnePollAtStart(t *testing.T) {
	const spec = "@every 1m"
	// Sources on one host are spread by a hash of the host: pick a
	// loopback address whose slot comes a few seconds from now.
	now := time.Now()
	addr := ""
	for n := 1; n < 255 && addr == ""; n++ {
		host := fmt.Sprintf("127.0.0.%d", n)
		src := watch.Source{ID: "local", URL: "http://" + host + ":1/feed.xml", Schedule: spec}
		sched, err := schedule.SourceSchedule(src.ID, spec, schedule.Spread([]watch.Source{src})["local"], nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if d := sched.Next(now).Sub(now); d > 3*time.Second && d < 10*time.Second {
			addr = host + ":0"
		}
	}
	if addr == "" {
		t.Fatal("no loopback address has its slot in the next seconds")
	}
	url, requests := serveOn(t, addr, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`)
	})
	a := startScheduled(t, url, spec)
	watchtest.WaitFor(t, "the start poll", 10*time.Second, func() bool { return requests.Load() == 1 })
	if next := a.sched.Next("local"); next.Before(now.Add(30 * time.Second)) {
		t.Fatalf("next run %s after start, want half an interval (30s) at least", next.Sub(now).Round(time.Second))
	}
}
