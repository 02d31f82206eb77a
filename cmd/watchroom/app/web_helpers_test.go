package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// webClient is one signed-in person using the console over HTTP.
type webClient struct {
	c    *http.Client
	base string
	csrf string
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

func signInHTTP(t *testing.T, base, name string) *webClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	w := &webClient{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: base}
	w.get(t, "/login")
	code, _ := w.post(t, "/login", url.Values{"username": {name}, "password": {"secret-" + name}})
	if code != http.StatusSeeOther {
		t.Fatalf("sign in %s: HTTP %d", name, code)
	}
	w.get(t, "/board/all")
	return w
}

func (w *webClient) get(t *testing.T, path string) (int, string) {
	t.Helper()
	r, err := w.c.Get(w.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		w.csrf = string(m[1])
	}
	return r.StatusCode, string(b)
}

// post sends a form with the CSRF token, as the page's form does.
func (w *webClient) post(t *testing.T, path string, form url.Values) (int, string) {
	t.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", w.csrf)
	}
	r, err := w.c.PostForm(w.base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		w.csrf = string(m[1])
	}
	return r.StatusCode, string(b)
}

// newTestApp wires the console from a config text with a clock, served on
// loopback without its schedules.
func newTestApp(t *testing.T, text string, clock *watchtest.Clock, getenv func(string) string) (*App, string, func()) {
	t.Helper()
	cfg, err := config.Parse("test.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := New(context.Background(), cfg, logger, Options{Now: clock.Now, Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		a.Stop(context.Background())
		t.Fatal(err)
	}
	a.startAlerts()
	srv := &http.Server{Handler: a.Handler()}
	go srv.Serve(ln)
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		a.hub.CloseAll()
		srv.Close()
		a.Stop(context.Background())
	}
	t.Cleanup(stop)
	return a, "http://" + ln.Addr().String(), stop
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}
