package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
)

type wsMsg struct {
	Seq   int64           `json:"seq"`
	Epoch string          `json:"epoch"`
	Type  string          `json:"type"`
	Data  json.RawMessage `json:"data"`
}

func (e *testEnv) dial(t *testing.T, s *session, query string, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/ws?" + query
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	if s != nil {
		d.Jar = s.Client.Jar
	}
	return d.Dial(u, h)
}

// read returns the next timeline message, skipping presence and claims.
func read(t *testing.T, c *websocket.Conn) wsMsg {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m wsMsg
		if err := c.ReadJSON(&m); err != nil {
			t.Fatalf("read: %v", err)
		}
		if m.Type != live.TypePresence && m.Type != live.TypeClaims {
			return m
		}
	}
}

func TestWebsocketTwoClientsInOrderAndResume(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	epoch := e.store.Epoch()
	q := fmt.Sprintf("board=all&after=0&epoch=%s", epoch)
	a, _, err := e.dial(t, s, q, e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, _, err := e.dial(t, s, q, e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	waitClients(t, e.hub, 2)
	for i := 1; i <= 5; i++ {
		e.recordHit(t, fmt.Sprint("k", i), "rave", "op1")
	}
	for _, c := range []*websocket.Conn{a, b} {
		for want := int64(1); want <= 5; want++ {
			m := read(t, c)
			if m.Seq != want || m.Type != "hit" || m.Epoch != epoch {
				t.Fatalf("got seq %d type %s epoch %s, want seq %d hit %s", m.Seq, m.Type, m.Epoch, want, epoch)
			}
		}
	}
	// a drops after seq 3; meanwhile 4 more events; it resumes with after=3
	a.Close()
	for i := 6; i <= 9; i++ {
		e.recordHit(t, fmt.Sprint("k", i), "rave", "op1")
	}
	c, _, err := e.dial(t, s, fmt.Sprintf("board=all&after=3&epoch=%s", epoch), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for want := int64(4); want <= 9; want++ {
		if m := read(t, c); m.Seq != want {
			t.Fatalf("resume: got seq %d want %d", m.Seq, want)
		}
	}
	// and then live, with no duplicate
	e.recordHit(t, "k10", "rave", "op1")
	if m := read(t, c); m.Seq != 10 {
		t.Fatalf("live after resume: got %d", m.Seq)
	}
	// b saw everything exactly once too
	for want := int64(6); want <= 10; want++ {
		if m := read(t, b); m.Seq != want {
			t.Fatalf("b: got %d want %d", m.Seq, want)
		}
	}
}

func TestWebsocketBoardFilter(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	c, _, err := e.dial(t, s, "board=op1&epoch="+e.store.Epoch(), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitClients(t, e.hub, 1)
	e.recordHit(t, "a", "rave")        // no operation: only the all board
	e.recordHit(t, "b", "rave", "op1") // seq 2
	if m := read(t, c); m.Seq != 2 {
		t.Fatalf("op1 board got seq %d, want 2", m.Seq)
	}
}

func TestWebsocketReset(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	e.recordHit(t, "a", "rave", "op1")
	for _, q := range []string{
		"board=all&after=1&epoch=0000000000000000",    // another database's epoch
		"board=all&after=99&epoch=" + e.store.Epoch(), // ahead of the timeline
		"board=all&after=1",                           // a position without its epoch
	} {
		c, _, err := e.dial(t, s, q, e.ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		m := read(t, c)
		if m.Type != "reset" || m.Epoch != e.store.Epoch() {
			t.Fatalf("%s: got %+v, want reset with the current epoch", q, m)
		}
		_, _, err = c.ReadMessage()
		if ce, ok := err.(*websocket.CloseError); !ok || ce.Code != live.CloseReset {
			t.Fatalf("%s: close %v, want %d", q, err, live.CloseReset)
		}
		c.Close()
	}
}

func TestWebsocketRefusals(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	if _, r, err := e.dial(t, nil, "board=all", e.ts.URL); err == nil || r == nil || r.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no session: %v %v", err, r)
	}
	for _, origin := range []string{"http://evil.example", "", "null"} {
		if _, r, err := e.dial(t, s, "board=all", origin); err == nil || r == nil || r.StatusCode != http.StatusForbidden {
			t.Fatalf("origin %q: err %v resp %v", origin, err, r)
		}
	}
	if _, r, err := e.dial(t, s, "board=nope", e.ts.URL); err == nil || r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown board: %v", err)
	}
}

func TestSlowClientClosedAndResumes(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	c, _, err := e.dial(t, s, "board=all&epoch="+e.store.Epoch(), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitClients(t, e.hub, 1)
	// the client reads nothing while far more than its queue is published
	big := strings.Repeat("x", 8000)
	for i := 0; i < 2000 && e.hub.Stats().SlowDropped == 0; i++ {
		e.recordHit(t, fmt.Sprint("k", i), "rave "+big, "op1")
	}
	if e.hub.Stats().SlowDropped != 1 {
		t.Fatal("the stalled client was not dropped")
	}
	var last int64
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		var m wsMsg
		err := c.ReadJSON(&m)
		if err == nil && (m.Type == live.TypePresence || m.Type == live.TypeClaims) {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			if ce.Code != live.CloseSlow {
				t.Fatalf("close code %d, want %d", ce.Code, live.CloseSlow)
			}
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if m.Seq != last+1 {
			t.Fatalf("gap: %d after %d", m.Seq, last)
		}
		last = m.Seq
	}
	head, _ := e.store.Head(t.Context())
	c2, _, err := e.dial(t, s, fmt.Sprintf("board=all&after=%d&epoch=%s", last, e.store.Epoch()), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	for want := last + 1; want <= head; want++ {
		if m := read(t, c2); m.Seq != want {
			t.Fatalf("resume: got %d want %d", m.Seq, want)
		}
	}
}

// waitClients waits until the hub has n clients (the subscription happens
// after the handshake returns to the dialer).
func waitClients(t *testing.T, h *live.Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for h.Stats().Clients != n {
		if time.Now().After(deadline) {
			t.Fatalf("hub has %d clients, want %d", h.Stats().Clients, n)
		}
		runtime.Gosched()
	}
}
