package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// benchDemand times the demand page over N stored requests, read, computed
// and rendered through the console's own handler, with a request sent
// before each render; the baseline is the first render, which reads every
// row (later ones read only the rows written since).
func benchDemand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench demand", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("requests", 100_000, "requests to store")
	runs := fs.Int("runs", 50, "times the page is rendered")
	dir := fs.String("dir", "", "directory for the database (default: a temporary one, removed after)")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the page runs to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *runs < 1 {
		fmt.Fprintln(stderr, "watchroom bench demand: --requests and --runs must be positive")
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "watchroom bench demand: %v\n", err); return 1 }
	if *dir == "" {
		d, err := os.MkdirTemp("", "watchroom-bench-demand-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	now := time.Now().UTC()
	st, err := store.Open(ctx, filepath.Join(*dir, "demand.db"), logger, store.Options{Now: func() time.Time { return now }})
	if err != nil {
		return fail(err)
	}
	defer st.Close()
	cfg := tasking.Config{}.WithDefaults()
	span := 2 * 365 * 24 * time.Hour
	start := time.Now()
	all := app.DemoHistory(cfg, now, *n, span)
	for i := 0; i < len(all); i += 10000 {
		if err := st.ImportRequests(ctx, all[i:min(i+10000, len(all))]); err != nil {
			return fail(err)
		}
	}
	fmt.Fprintf(stdout, "store: %d requests over %s in %v\n", *n, span, time.Since(start).Round(time.Millisecond))

	hub := live.NewHub(st, logger, live.Options{})
	srv, err := ui.New(ui.Options{Store: st, Hub: hub, Logger: logger, Location: time.UTC, Now: func() time.Time { return now },
		PasswordCost: bcrypt.MinCost, Tasking: &cfg})
	if err != nil {
		return fail(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	client, err := signInBench(ctx, st, ts.URL)
	if err != nil {
		return fail(err)
	}
	page := ts.URL + "/demand?" + url.Values{"from": {now.Add(-span - 24*time.Hour).Format("2006-01-02")}, "to": {now.Format("2006-01-02")}}.Encode()

	if *profile != "" {
		pf, err := os.Create(*profile)
		if err != nil {
			return fail(err)
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	get := func() (float64, error) {
		t0 := time.Now()
		resp, err := client.Get(page)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("demand page: HTTP %d", resp.StatusCode)
		}
		return ms(time.Since(t0)), nil
	}
	// the first render reads every row: the baseline
	cold, err := get()
	if err != nil {
		return fail(err)
	}
	var lat []float64
	for i := 0; i < *runs; i++ {
		// one request sent between renders, as in a working day: the page
		// reads again only what changed
		r := tasking.Request{RequesterID: 1, Requester: "bench", Type: "pre_event", Team: cfg.Teams[0], Urgency: tasking.UrgencyRoutine,
			Contact: "bench", Asked: fmt.Sprintf("Bench request %d", i), Why: "bench", NeededBy: now.AddDate(0, 0, 7)}
		if _, err := st.SaveRequestForm(ctx, r, true, ""); err != nil {
			return fail(err)
		}
		d, err := get()
		if err != nil {
			return fail(err)
		}
		lat = append(lat, d)
	}
	q := func(xs []float64, p float64) float64 {
		s := slices.Clone(xs)
		slices.Sort(s)
		return s[min(len(s)-1, int(p*float64(len(s))))]
	}
	fmt.Fprintf(stdout, "baseline: the first render, reading all %d rows: %.1f ms\n", *n, cold)
	fmt.Fprintf(stdout, "page: /demand over every request, a new request sent before each of %d runs: p50 %.1f ms, p99 %.1f ms (x%.2f the first render at p50)\n",
		*runs, q(lat, 0.5), q(lat, 0.99), q(lat, 0.5)/max(cold, 0.001))
	fmt.Fprintf(stdout, "demand requests=%d p50_ms=%.2f p99_ms=%.2f\n", *n, q(lat, 0.5), q(lat, 0.99))
	return 0
}

// signInBench makes an analyst and signs in as them, as a browser would.
func signInBench(ctx context.Context, st *store.Store, base string) (*http.Client, error) {
	const pw = "bench-password-1"
	h, err := ui.HashPasswordCost(pw, bcrypt.MinCost)
	if err != nil {
		return nil, err
	}
	if _, err := st.CreateUser(ctx, watch.User{Name: "bench", Role: watch.RoleAnalyst, PasswordHash: h}, "bench"); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfMeta.FindSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no CSRF token on the sign-in page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"username": {"bench"}, "password": {pw}, "_csrf": {string(m[1])}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign in: HTTP %d", resp.StatusCode)
	}
	return c, nil
}
