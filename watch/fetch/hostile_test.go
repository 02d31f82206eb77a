package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/goleak"

	"github.com/watchroom/watchroom/watch/fetch"
)

// hostileCase is a server misbehaving on purpose, and what the client must
// make of it.
type hostileCase struct {
	name    string
	handler func(stop <-chan struct{}) http.HandlerFunc
	host    string              // the name in the URL; "" means 127.0.0.1
	names   map[string][]string // the tests' net answers, see testNet.name
	strict  bool                // a client with no allow-list at all
	gets    int                 // Gets in a row; 0 means 1
	// The outcome of every Get: class "" means success.
	class      fetch.Class
	status     int
	retryAfter time.Duration
	check      func(t *testing.T, r hostileRun)
}

// hostileRun is what a case did, for its own checks.
type hostileRun struct {
	resp    *fetch.Response
	hits    int // requests the hostile handler saw
	net     *testNet
	elapsed time.Duration // of the last Get
}

const (
	hostileTimeout = 500 * time.Millisecond
	hostileMaxBody = 64 << 10
)

// Every case ends with the right class, a server that still answers, no
// goroutine left behind, and no connection beyond loopback (the tests' net
// fails the test on one).
func TestHostileServers(t *testing.T) {
	// 64 MiB of zeros in about 64 KiB: gzip members of 1 MiB each, one after
	// the other, which is still one valid gzip body.
	bomb := bytes.Repeat(gzipped(t, make([]byte, 1<<20)), 64)
	challenge := `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>` +
		`<noscript>Enable JavaScript and cookies to continue</noscript>` +
		`<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8f1e2d3c4b5a6978"></script></body></html>`
	attention := gzipped(t, []byte(`<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>`+
		`<body><h1>Sorry, you have been blocked</h1><p>You are unable to access example.org</p></body></html>`))
	invalidUTF8 := []byte("<rss><channel><title>caf\xe9 \xff\xfe \xc3\x28</title></channel></rss>")
	loginWall := `<!doctype html><html><head><title>Log in</title></head><body>` +
		`<form action="/login" method="post"><input name="user"><input type="password" name="pass"></form></body></html>`

	tests := []hostileCase{
		{name: "slow drip body", handler: slowDrip, class: fetch.ClassTimeout,
			check: func(t *testing.T, r hostileRun) {
				// Cut by the total timeout, not by the drip ending (it never does).
				if r.elapsed > 10*hostileTimeout {
					t.Errorf("took %s with a %s timeout", r.elapsed, hostileTimeout)
				}
			}},
		{name: "slow drip headers", handler: slowHeaders, class: fetch.ClassTimeout},
		{name: "endless body", handler: endless, class: fetch.ClassTooLarge, status: 200},
		{name: "gzip bomb", handler: serve(200, "gzip", bomb), class: fetch.ClassTooLarge, status: 200},
		{name: "redirect loop", handler: redirectTo(""), class: fetch.ClassRedirect,
			check: func(t *testing.T, r hostileRun) {
				if r.hits != fetch.DefaultMaxRedirects+1 {
					t.Errorf("%d requests, want the first and %d redirects", r.hits, fetch.DefaultMaxRedirects)
				}
			}},
		{name: "redirect to cloud metadata", handler: redirectTo("http://169.254.169.254/latest/meta-data/"),
			class: fetch.ClassRefused, check: onlyLoopbackDialled},
		{name: "redirect to a private address", handler: redirectTo("http://10.0.0.1/admin"),
			class: fetch.ClassRefused, check: onlyLoopbackDialled},
		{name: "redirect to a name of a private address", handler: redirectTo("http://intranet.example/"),
			names: map[string][]string{"intranet.example": {"10.0.0.1"}}, class: fetch.ClassRefused,
			check: onlyLoopbackDialled},
		{name: "name of loopback, not allowed", handler: serve(200, "", []byte("internal")), strict: true,
			host: "sneaky.example", names: map[string][]string{"sneaky.example": {"127.0.0.1"}},
			class: fetch.ClassRefused, check: func(t *testing.T, r hostileRun) {
				if r.hits != 0 || len(r.net.connects()) != 0 {
					t.Errorf("%d requests, connects %v: want none", r.hits, r.net.connects())
				}
			}},
		{name: "DNS rebinding", handler: rebind, host: "rebind.example",
			names: map[string][]string{"rebind.example": {publicStandIn.String(), "10.0.0.1"}},
			class: fetch.ClassRefused, check: func(t *testing.T, r hostileRun) {
				// The first answer was public and served; the hop after the
				// server hung up asked again, got a private address, and
				// never connected to it.
				if r.hits != 1 || r.net.lookupsOf("rebind.example") != 2 || len(r.net.connects()) != 1 {
					t.Errorf("%d requests, %d lookups, connects %v", r.hits, r.net.lookupsOf("rebind.example"), r.net.connects())
				}
			}},
		{name: "public and private answers at once", handler: serve(200, "", []byte("x")), host: "mixed.example",
			names: map[string][]string{"mixed.example": {publicStandIn.String() + ",10.0.0.1"}},
			class: fetch.ClassRefused, check: func(t *testing.T, r hostileRun) {
				if r.hits != 0 || len(r.net.connects()) != 0 {
					t.Errorf("%d requests, connects %v: want none", r.hits, r.net.connects())
				}
			}},
		{name: "invalid UTF-8", handler: serve(200, "", invalidUTF8),
			check: func(t *testing.T, r hostileRun) {
				// fetch moves bytes; decoding is the source parser's business.
				if !bytes.Equal(r.resp.Body, invalidUTF8) || utf8.Valid(r.resp.Body) {
					t.Errorf("body %q, want the invalid bytes unchanged", r.resp.Body)
				}
			}},
		{name: "HTML login wall with 200", handler: serveHTML(200, nil, loginWall),
			check: func(t *testing.T, r hostileRun) {
				// A 200 is a success here; the source layer must notice it
				// got a page, not a feed, and fail as unparseable.
				if r.resp.Status != 200 || !strings.HasPrefix(r.resp.ContentType, "text/html") ||
					!strings.Contains(string(r.resp.Body), `type="password"`) {
					t.Errorf("resp %d %q %q", r.resp.Status, r.resp.ContentType, r.resp.Body)
				}
			}},
		{name: "429 with Retry-After", handler: serveHTML(429, http.Header{"Retry-After": {"120"}}, "slow down"),
			class: fetch.ClassRateLimited, status: 429, retryAfter: 2 * time.Minute},
		{name: "500 storm", handler: serveHTML(500, nil, "boom"), gets: 20, class: fetch.ClassHTTP5xx, status: 500,
			check: func(t *testing.T, r hostileRun) {
				if r.hits != 20 { // no retries hidden inside fetch: pacing is the scheduler's
					t.Errorf("%d requests for 20 Gets", r.hits)
				}
			}},
		{name: "anti-bot challenge 403", handler: serveHTML(403, http.Header{"Cf-Mitigated": {"challenge"}}, challenge),
			class: fetch.ClassBlocked, status: 403},
		{name: "anti-bot block page 403, gzipped", handler: serve(403, "gzip", attention),
			class: fetch.ClassBlocked, status: 403},
		{name: "plain 403", handler: serveHTML(403, nil, "<html><body><h1>403 Forbidden</h1></body></html>"),
			class: fetch.ClassHTTP4xx, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runHostile(t, tt) })
	}
}

func runHostile(t *testing.T, tt hostileCase) {
	leaks := goleak.IgnoreCurrent()
	stop := make(chan struct{})
	var hits atomic.Int32
	mux := http.NewServeMux()
	h := tt.handler(stop)
	mux.HandleFunc("/hostile", func(w http.ResponseWriter, r *http.Request) { hits.Add(1); h(w, r) })
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	srv := httptest.NewServer(mux)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	n := newTestNet(t)
	for name, answers := range tt.names {
		n.name(name, answers...)
	}
	opts := fetch.Options{Allow: loopback, Timeout: hostileTimeout, MaxBody: hostileMaxBody}
	if tt.strict {
		opts.Allow = nil
	}
	c := newClientOn(t, n, opts)
	checker := newClient(t, fetch.Options{Allow: loopback})
	defer func() {
		close(stop)
		c.CloseIdleConnections()
		checker.CloseIdleConnections()
		srv.Close()
		goleak.VerifyNone(t, leaks)
	}()

	host := tt.host
	if host == "" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/hostile"
	run := hostileRun{net: n}
	for i := range max(tt.gets, 1) {
		start := time.Now()
		resp, err := c.Get(context.Background(), fetch.Request{URL: url})
		run.elapsed = time.Since(start)
		if got := fetch.ClassOf(err); got != tt.class {
			t.Fatalf("Get %d: class %q, want %q (err: %v)", i+1, got, tt.class, err)
		}
		if tt.class == "" {
			if err != nil || resp == nil {
				t.Fatalf("Get %d: %v", i+1, err)
			}
			run.resp = resp
			continue
		}
		var fe *fetch.Error
		if !errors.As(err, &fe) {
			t.Fatalf("Get %d: %v is not a *fetch.Error", i+1, err)
		}
		if fe.Status != tt.status || fe.RetryAfter != tt.retryAfter {
			t.Errorf("Get %d: status %d retry-after %s, want %d %s", i+1, fe.Status, fe.RetryAfter, tt.status, tt.retryAfter)
		}
		if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
			t.Errorf("Error() = %q, want one non-empty line", msg)
		}
	}
	run.hits = int(hits.Load())
	if tt.check != nil {
		tt.check(t, run)
	}

	// The server took no harm.
	resp, err := checker.Get(context.Background(), fetch.Request{URL: srv.URL + "/ok"})
	if err != nil || string(resp.Body) != "ok" {
		t.Fatalf("server unhealthy afterwards: %v", err)
	}
	if s := c.Stats(); s.InFlight != 0 || s.Waiting != 0 {
		t.Errorf("stats afterwards %+v, want nothing in flight or waiting", s)
	}
}

func onlyLoopbackDialled(t *testing.T, r hostileRun) {
	t.Helper()
	for _, a := range r.net.connects() {
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("connect step reached %s", a)
		}
	}
}

func serve(status int, encoding string, body []byte) func(<-chan struct{}) http.HandlerFunc {
	return func(<-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if encoding != "" {
				w.Header().Set("Content-Encoding", encoding)
			}
			w.WriteHeader(status)
			w.Write(body)
		}
	}
}

func serveHTML(status int, h http.Header, body string) func(<-chan struct{}) http.HandlerFunc {
	return func(<-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			for k, v := range h {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
}

// redirectTo redirects to target, or to the same URL when target is "".
func redirectTo(target string) func(<-chan struct{}) http.HandlerFunc {
	return func(<-chan struct{}) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			to := target
			if to == "" {
				to = r.URL.Path
			}
			http.Redirect(w, r, to, http.StatusFound)
		}
	}
}

// rebind hangs up after redirecting to itself, so the next hop dials, and
// so resolves, again.
func rebind(<-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		if r.URL.Query().Get("hop") == "" {
			http.Redirect(w, r, r.URL.Path+"?hop=1", http.StatusFound)
			return
		}
		io.WriteString(w, "reached after rebinding")
	}
}

// dripLen bounds the drips: at one piece per 5 ms, about 10 s, far past
// hostileTimeout, so a client that does not cut them fails instead of hanging.
const dripLen = 2000

// slowDrip sends a byte of body every few milliseconds.
func slowDrip(stop <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for range dripLen {
			if _, err := io.WriteString(w, "<"); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
			select {
			case <-tick.C:
			case <-r.Context().Done():
				return
			case <-stop:
				return
			}
		}
	}
}

// slowHeaders sends a status line, then a header line every few
// milliseconds: slowloris, reversed.
func slowHeaders(stop <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		if _, err := io.WriteString(conn, "HTTP/1.1 200 OK\r\n"); err != nil {
			return
		}
		for i := range dripLen {
			select {
			case <-tick.C:
			case <-stop:
				return
			}
			if _, err := fmt.Fprintf(conn, "X-Drip-%d: x\r\n", i); err != nil {
				return
			}
		}
		io.WriteString(conn, "Content-Length: 2\r\n\r\nok")
	}
}

// endless sends body as fast as the client reads it, for ever.
func endless(stop <-chan struct{}) http.HandlerFunc {
	chunk := bytes.Repeat([]byte("<item>x</item>"), 2048)
	return func(w http.ResponseWriter, r *http.Request) {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}
