package live_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// newNamedEnv serves boards to viewers named in the query, resuming from
// after and epoch when given.
func newNamedEnv(t *testing.T, opts live.Options) (*fakeLog, *live.Hub, func(t *testing.T, query string) (*websocket.Conn, *http.Response, error)) {
	t.Helper()
	l := newFakeLog()
	h := live.NewHub(l, quiet, opts)
	up := &websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "http://"+r.Host }}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
		h.Serve(w, r, up, live.Position{Board: q.Get("board"), After: after, Epoch: q.Get("epoch"),
			Viewer: live.Viewer{Name: q.Get("name"), Role: "officer"}})
	}))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown at the end: %v", err)
		}
		ts.Close()
	})
	dial := func(t *testing.T, query string) (*websocket.Conn, *http.Response, error) {
		c, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+"/ws?"+query,
			http.Header{"Origin": {ts.URL}})
		if err == nil {
			t.Cleanup(func() { c.Close() })
		}
		return c, resp, err
	}
	return l, h, dial
}

// Shutdown returns once every client is closed and forgotten and the
// presence flush their joins and leaves scheduled has run (here due only
// in an hour), and refuses connections after.
func TestShutdownWaitsForClientsAndPresence(t *testing.T) {
	_, h, dial := newNamedEnv(t, live.Options{PresenceDelay: time.Hour})
	var conns []*websocket.Conn
	for _, q := range []string{"board=all&name=pc1", "board=op1&name=pc2", "board=all"} {
		c, _, err := dial(t, q)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	watchtest.WaitFor(t, "three clients", 5*time.Second, func() bool { return h.Stats().Clients == 3 })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if n := h.Stats().Clients; n != 0 { // no waiting: Shutdown has waited
		t.Fatalf("%d clients after Shutdown", n)
	}
	for i, c := range conns {
		if code := closeCode(t, c); code != websocket.CloseGoingAway {
			t.Fatalf("client %d closed with %d, want %d", i, code, websocket.CloseGoingAway)
		}
	}
	_, resp, err := dial(t, "board=all&name=pc1")
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("connecting after Shutdown: %v %v, want 503", err, resp)
	}
	if err := h.Shutdown(ctx); err != nil {
		t.Fatalf("a second Shutdown: %v", err)
	}
}

// A client still being replayed when Shutdown is called holds it up until
// ctx ends; once the replay is read it is closed like the others.
func TestShutdownGivesUpWithItsContext(t *testing.T) {
	l, h, dial := newNamedEnv(t, live.Options{})
	l.add(5, 0)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	l.onReplay = func() { entered <- struct{}{}; <-release }
	c, _, err := dial(t, "board=all&name=pc1&after=2&epoch="+l.epoch)
	if err != nil {
		t.Fatal(err)
	}
	<-entered // subscribed, its replay being read
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.Shutdown(expired); !errors.Is(err, context.Canceled) {
		t.Fatalf("shutdown with a replay in progress: %v, want context.Canceled", err)
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown once the replay is read: %v", err)
	}
	if n := h.Stats().Clients; n != 0 {
		t.Fatalf("%d clients after Shutdown", n)
	}
	if code := closeCode(t, c); code != websocket.CloseGoingAway {
		t.Fatalf("closed with %d, want %d", code, websocket.CloseGoingAway)
	}
}

// CloseAll waits for the clients it closes but leaves the hub open: they
// reconnect (a network blip).
func TestCloseAllWaitsAndStaysOpen(t *testing.T) {
	_, h, dial := newNamedEnv(t, live.Options{PresenceDelay: time.Hour})
	c, _, err := dial(t, "board=all&name=pc1")
	if err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "the client", 5*time.Second, func() bool { return h.Stats().Clients == 1 })
	h.CloseAll()
	if n := h.Stats().Clients; n != 0 {
		t.Fatalf("%d clients after CloseAll", n)
	}
	if code := closeCode(t, c); code != websocket.CloseGoingAway {
		t.Fatalf("closed with %d, want %d", code, websocket.CloseGoingAway)
	}
	if _, _, err := dial(t, "board=all&name=pc1"); err != nil {
		t.Fatalf("reconnecting after CloseAll: %v", err)
	}
	watchtest.WaitFor(t, "the client back", 5*time.Second, func() bool { return h.Stats().Clients == 1 })
	if got := h.Presence("all"); len(got) != 1 || got[0].Name != "pc1" {
		t.Fatalf("presence after reconnecting: %+v", got)
	}
}
