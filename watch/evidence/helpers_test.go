package evidence_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/evidence/evidencetest"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/store"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// clock is a settable clock for the service and the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type rig struct {
	svc   *evidence.Service
	st    *store.Store
	clock *clock
	dir   string
	site  *httptest.Server
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newFetcher is a fetcher whose allow-list lets it reach 127.0.0.1 only
// when allowLoopback is set, as the tests of watch/fetch do.
func newFetcher(tb testing.TB, allowLoopback bool) *fetch.Client {
	tb.Helper()
	opts := fetch.Options{UserAgent: "watchroom-test/1.0", PerHostRate: rate.Inf, PerHostConcurrency: 64}
	if allowLoopback {
		opts.Allow = loopback
	}
	f, err := fetch.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func newRig(tb testing.TB, opts evidence.Options) *rig {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	clk := newClock()
	st, err := store.Open(ctx, filepath.Join(dir, "watchroom.db"), quiet(), store.Options{Now: clk.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(evidencetest.Site())
	tb.Cleanup(srv.Close)
	opts.DataDir = dir
	opts.Now = clk.Now
	if opts.Tool == "" {
		opts.Tool = "watchroom test"
	}
	svc, err := evidence.New(st, newFetcher(tb, true), quiet(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return &rig{svc: svc, st: st, clock: clk, dir: dir, site: srv}
}

func (r *rig) capture(tb testing.TB, path string) evidence.Capture {
	tb.Helper()
	c, err := r.svc.Capture(context.Background(), evidence.CaptureRequest{URL: r.site.URL + path, By: "jsmith",
		Note: "post inciting a gathering <here> & now — Café", HitID: 7, Operation: "op-carnival"})
	if err != nil {
		tb.Fatalf("Capture %s: %v", path, err)
	}
	return c
}

// unzipBytes reads a package held in memory.
func unzipBytes(tb testing.TB, data []byte) ([]string, map[string][]byte) {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var order []string
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		order = append(order, f.Name)
		files[f.Name] = b
	}
	return order, files
}
