package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
)

// feedServer is a local RSS feed whose items a test controls.
type feedServer struct {
	mu    sync.Mutex
	items []feedItem
	fail  int    // HTTP status to answer with instead, when non-zero
	raw   []byte // a body to serve as it is, when set
	srv   *http.Server
	url   string
	polls int
}

type feedItem struct{ GUID, Title, Text, Link, Author string }

func newFeedServer(t *testing.T) *feedServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &feedServer{url: "http://" + ln.Addr().String() + "/feed.xml"}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve)}
	go f.srv.Serve(ln)
	t.Cleanup(func() { f.srv.Close() })
	return f
}

func (f *feedServer) add(it feedItem) {
	f.mu.Lock()
	f.items = append(f.items, it)
	f.mu.Unlock()
}

func (f *feedServer) setFail(code int) {
	f.mu.Lock()
	f.fail = code
	f.mu.Unlock()
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}

func (f *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.polls++
	if f.fail != 0 {
		http.Error(w, "broken", f.fail)
		return
	}
	if f.raw != nil {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(f.raw)
		return
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title><link>http://example.org/</link>`)
	for _, it := range f.items {
		author := ""
		if it.Author != "" {
			author = "<author>" + xmlEscape(it.Author) + "</author>"
		}
		fmt.Fprintf(&b, `<item><guid>%s</guid><title>%s</title><description>%s</description><link>%s</link>%s<pubDate>Sat, 28 Nov 2026 10:00:00 +0000</pubDate></item>`,
			xmlEscape(it.GUID), xmlEscape(it.Title), xmlEscape(it.Text), xmlEscape(it.Link), author)
	}
	b.WriteString(`</channel></rss>`)
	etag := fmt.Sprintf(`"%d"`, len(f.items))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

const e2eConfig = `
server:
  data_dir: %q
fetch:
  allow_private: ["127.0.0.1/32"]
  timeout: 10s
sources:
  - id: local
    name: Local feed
    kind: feed
    url: %q
    schedule: "@every 1h"
watchlists:
  - id: ume
    name: Unlicensed music events
    terms: ["rave", "free party"]
    severity: high
operations:
  - id: op1
    name: Summer rave
    start: 2026-11-28T18:00:00Z
    end: 2026-11-29T04:00:00Z
    watchlists: [ume]
alerts:
  - id: ume-hit
    name: UME hit
    kind: severity
    severity: high
`

// startApp wires the whole console on a loopback listener, as serve does,
// without starting the schedules: tests poll with pollNow.
func startApp(t *testing.T, feedURL, dataDir string) (*App, string, func()) {
	t.Helper()
	return startAppOn(t, feedURL, dataDir, "127.0.0.1:0")
}

func startAppOn(t *testing.T, feedURL, dataDir, addr string) (*App, string, func()) {
	t.Helper()
	return startAppYAML(t, fmt.Sprintf(e2eConfig, dataDir, feedURL), addr)
}

// startAppYAML is startApp with a config of the test's own.
func startAppYAML(t *testing.T, yaml, addr string) (*App, string, func()) {
	t.Helper()
	cfg, err := config.Parse("e2e.yaml", []byte(yaml), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	a, err := New(context.Background(), cfg, logger, Options{ConfigID: "e2e"})
	if err != nil {
		t.Fatal(err)
	}
	web, err := a.Listen(addr)
	if err != nil {
		a.Stop(context.Background())
		t.Fatal(err)
	}
	a.startAlerts()
	go web.Serve()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			a.hub.CloseAll()
			web.Close()
			a.Stop(context.Background())
		})
	}
	t.Cleanup(stop)
	return a, strings.TrimSuffix(web.URL(), "/"), stop
}

// addUser makes a person who can sign in. The hash uses bcrypt's least
// work factor: at the production factor every sign-in costs seconds of
// CPU under the race detector, which only slows the tests down.
func addUser(t *testing.T, a *App, name string, role watch.Role) {
	t.Helper()
	h, err := ui.HashPasswordCost("secret-"+name, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateUser(context.Background(), watch.User{Name: name, Role: role, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
}

func tempDataDir(t *testing.T) string { return filepath.Join(t.TempDir(), "data") }
