//go:build linux

package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

const fanConfig = `
server:
  data_dir: %q
sources:
  - id: bench
    name: Fan-out bench (never polled)
    kind: feed
    url: https://example.org/fanout.xml
    schedule: "@every 24h"
watchlists:
  - id: bench
    name: Fan-out bench
    terms: ["fanout"]
`

// fanServer is the console as serve wires it (newApp and an http.Server
// on a loopback listener), which the bench can kill and start again on
// the same address and database.
type fanServer struct {
	cfg    *config.File
	logger *slog.Logger
	hub    live.Options
	addr   string

	mu       sync.Mutex // held while recording, and across a restart
	app      *app.App
	srv      *http.Server
	conns    *fanConnSet
	slowPast int64 // slow drops counted by servers already killed
	// set while recording (mu held) by the store's commit hook
	committedAt   int64
	committedSeqs []int64
}

// fanCommit is one event published: its seqs, the stamp it carries, when
// it was committed (unix ns) and how long the publisher's call took.
type fanCommit struct {
	seqs             []int64
	stamp, committed int64
	took             time.Duration
}

func newFanServer(dataDir string, hub live.Options, logger *slog.Logger) (*fanServer, error) {
	cfg, err := config.Parse("fanout.yaml", []byte(fmt.Sprintf(fanConfig, dataDir)), config.Options{Kinds: source.Kinds()})
	if err != nil {
		return nil, err
	}
	return &fanServer{cfg: cfg, logger: logger, hub: hub, addr: "127.0.0.1:0"}, nil
}

// start opens the database and serves; the caller holds mu or is alone.
func (s *fanServer) start(ctx context.Context) error {
	a, err := app.New(ctx, s.cfg, s.logger, app.Options{ConfigID: "bench fanout", Live: s.hub, Unscheduled: true,
		Committed: func(evs []watch.Event) {
			s.committedAt = time.Now().UnixNano()
			for _, ev := range evs {
				s.committedSeqs = append(s.committedSeqs, ev.Seq)
			}
		}})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		a.Stop(context.Background())
		return err
	}
	s.addr = ln.Addr().String()
	s.conns = &fanConnSet{m: map[net.Conn]struct{}{}}
	s.srv = &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 10 * time.Second, ConnState: s.conns.track}
	s.app = a
	if err := a.Start(ctx); err != nil {
		ln.Close()
		_ = a.Stop(context.Background())
		return err
	}
	go s.srv.Serve(ln)
	return nil
}

// kill stops the server the way a crash does: every socket closes at once,
// without a websocket close frame, then the database is closed.
func (s *fanServer) kill() {
	s.slowPast += s.app.Hub().Stats().SlowDropped
	_ = s.srv.Close()
	s.conns.closeAll()
	_ = s.app.Stop(context.Background())
}

// restart kills the server and starts it again on the same address and
// database; recording waits meanwhile.
func (s *fanServer) restart(ctx context.Context) (time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t0 := time.Now()
	s.kill()
	err := s.start(ctx)
	for i := 0; i < 50 && errors.Is(err, syscall.EADDRINUSE); i++ {
		<-time.After(20 * time.Millisecond) // the old listener is still letting go of the port
		err = s.start(ctx)
	}
	return time.Since(t0), err
}

func (s *fanServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app != nil {
		s.kill()
		s.app = nil
	}
}

// record writes one matching item through the store's real write path; the
// title carries the time it was written (the stamp), and the store's
// commit hook notes when it was committed, so the clients' latency is
// counted from the commit.
func (s *fanServer) record(ctx context.Context, i int, text string) (fanCommit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t0 := time.Now()
	stamp := t0.UnixNano()
	s.committedAt, s.committedSeqs = 0, nil
	it := watch.Item{SourceID: "bench", Key: fmt.Sprintf("fanout-%d-%d", stamp, i), URL: fmt.Sprintf("https://example.org/fanout/%d", i),
		Author: "bench", Title: fmt.Sprintf("fanout-t=%d", stamp), Text: text}
	_, _, err := s.app.Store().RecordItem(ctx, it, []watch.Hit{{ListID: "bench", Terms: []string{"fanout"}}})
	return fanCommit{seqs: s.committedSeqs, stamp: stamp, committed: s.committedAt, took: time.Since(t0)}, err
}

// events returns the timeline's events in (from, head].
func (s *fanServer) events(ctx context.Context, from, head int64) ([]watch.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app.Store().EventsAfter(ctx, watch.BoardAll, from, int(head-from)+1)
}

func (s *fanServer) stats() live.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.app.Hub().Stats()
	st.SlowDropped += s.slowPast
	return st
}

func (s *fanServer) epoch() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app.Store().Epoch()
}

func (s *fanServer) head(ctx context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.app.Store().Head(ctx)
}

// contiguous reports whether the timeline after from holds exactly the
// events up to head: lost is counted against that sequence.
func (s *fanServer) contiguous(ctx context.Context, from, head int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs, err := s.app.Store().EventsAfter(ctx, watch.BoardAll, from, int(head-from)+1)
	if err != nil {
		return false, err
	}
	return int64(len(evs)) == head-from, nil
}

// fanConnSet tracks the server's sockets, hijacked ones included, so a
// kill can close them all.
type fanConnSet struct {
	mu sync.Mutex
	m  map[net.Conn]struct{}
}

func (t *fanConnSet) track(c net.Conn, st http.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch st {
	case http.StateNew:
		t.m[c] = struct{}{}
	case http.StateClosed:
		delete(t.m, c)
	}
}

func (t *fanConnSet) closeAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.m {
		_ = c.Close()
	}
	t.m = map[net.Conn]struct{}{}
}

// addUser creates the bench's officer.
func (s *fanServer) addUser(ctx context.Context, name, password string, cost int) error {
	h, err := ui.HashPasswordCost(password, cost)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err = s.app.Store().CreateUser(ctx, watch.User{Name: name, Role: watch.RoleOfficer, PasswordHash: h}, "bench fanout")
	return err
}

var fanCSRF = regexp.MustCompile(`name="_csrf" value="([^"]+)"|name="csrf-token" content="([^"]+)"`)

// fanSignIn signs in as a browser does (the sign-in page for its CSRF
// token, then the form) and returns the Cookie header the websocket sends.
func fanSignIn(ctx context.Context, base, name, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	r, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	m := fanCSRF.FindSubmatch(page)
	if m == nil {
		return "", errors.New("no CSRF token on the sign-in page")
	}
	token := string(m[1]) + string(m[2])
	form := url.Values{"username": {name}, "password": {password}, "_csrf": {token}}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	r, err = hc.Do(req)
	if err != nil {
		return "", err
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign in: HTTP %d", r.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, c := range jar.Cookies(u) {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; "), nil
}
