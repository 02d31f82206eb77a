package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// stateEnv serves boards to signed-in viewers named in the query, with a
// clock the test moves and an audit log in memory.
type stateEnv struct {
	hub   *live.Hub
	ts    *httptest.Server
	log   *fakeLog
	mu    sync.Mutex
	now   time.Time
	audit []watch.AuditEntry
}

func newStateEnv(t *testing.T) *stateEnv {
	t.Helper()
	e := &stateEnv{log: newFakeLog(), now: time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)}
	e.hub = live.NewHub(e.log, quiet, live.Options{PresenceDelay: time.Millisecond, Now: e.clock,
		Audit: func(_ context.Context, a watch.AuditEntry) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.audit = append(e.audit, a)
			return nil
		}})
	up := &websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "http://"+r.Host }}
	e.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		e.hub.Serve(w, r, up, live.Position{Board: q.Get("board"), Viewer: live.Viewer{Name: q.Get("name"), Role: "officer"}})
	}))
	t.Cleanup(func() { e.hub.CloseAll(); e.ts.Close() })
	return e
}

func (e *stateEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *stateEnv) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func (e *stateEnv) audited() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, a := range e.audit {
		out = append(out, a.Actor+" "+a.Action+" "+a.Target+" "+a.Detail)
	}
	return strings.Join(out, "\n")
}

func (e *stateEnv) dial(t *testing.T, board, name string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ws?board="+board+"&name="+name,
		http.Header{"Origin": {e.ts.URL}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

type stateMsg struct {
	Seq   int64  `json:"seq"`
	Type  string `json:"type"`
	Board string `json:"board"`
	Data  struct {
		Watchers []live.Watcher `json:"watchers"`
		Claims   []live.Claim   `json:"claims"`
	} `json:"data"`
}

// until reads messages until one of the type satisfies ok.
func until(t *testing.T, c *websocket.Conn, typ string, ok func(stateMsg) bool) stateMsg {
	t.Helper()
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m stateMsg
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m.Type == live.TypePresence || m.Type == live.TypeClaims {
			if m.Seq != 0 || strings.Contains(string(b), `"seq"`) {
				t.Fatalf("%s carries a seq: %s", m.Type, b)
			}
		}
		if m.Type == typ && ok(m) {
			return m
		}
	}
}

func names(ws []live.Watcher) string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("%s/%s/%d", w.Name, w.Role, w.Connections))
	}
	return strings.Join(out, ",")
}

func watchers(want string) func(stateMsg) bool {
	return func(m stateMsg) bool { return names(m.Data.Watchers) == want }
}

// Two people on a board see each other; one opening a second tab counts
// once; the other leaving disappears from the list. Another board's list
// is its own.
func TestPresenceJoinAndLeave(t *testing.T) {
	e := newStateEnv(t)
	a := e.dial(t, "op1", "pc1")
	until(t, a, live.TypePresence, watchers("pc1/officer/1"))
	b := e.dial(t, "op1", "pc2")
	b2 := e.dial(t, "op1", "pc2")
	other := e.dial(t, "all", "pc3")
	m := until(t, a, live.TypePresence, watchers("pc1/officer/1,pc2/officer/2"))
	if m.Board != "op1" {
		t.Fatalf("presence for board %q", m.Board)
	}
	until(t, other, live.TypePresence, watchers("pc3/officer/1"))
	b.Close()
	until(t, a, live.TypePresence, watchers("pc1/officer/1,pc2/officer/1"))
	b2.Close() // a dropped connection, no close frame from the client
	until(t, a, live.TypePresence, watchers("pc1/officer/1"))
	if got := names(e.hub.Presence("all")); got != "pc3/officer/1" {
		t.Fatalf("all board: %s", got)
	}
}

func claimed(want string) func(stateMsg) bool {
	return func(m stateMsg) bool {
		var out []string
		for _, c := range m.Data.Claims {
			out = append(out, fmt.Sprintf("%d:%s", c.HitID, c.Name))
		}
		return strings.Join(out, ",") == want
	}
}

// A claim reaches every board live and a board that connects later; a
// second person is refused; release clears it everywhere; both audited.
// Events keep flowing in seq order around the claims messages.
func TestClaimSeenLiveAndOnConnect(t *testing.T) {
	e := newStateEnv(t)
	a := e.dial(t, "op1", "pc1")
	b := e.dial(t, "all", "pc2")
	until(t, a, live.TypeClaims, claimed(""))
	until(t, b, live.TypeClaims, claimed(""))
	ctx := context.Background()
	if _, err := e.hub.Claim(ctx, 7, nil, live.Viewer{Name: "pc1", Role: "officer"}); err != nil {
		t.Fatal(err)
	}
	until(t, a, live.TypeClaims, claimed("7:pc1"))
	until(t, b, live.TypeClaims, claimed("7:pc1"))
	if c, err := e.hub.Claim(ctx, 7, nil, live.Viewer{Name: "pc2"}); !errors.Is(err, live.ErrClaimed) || c.Name != "pc1" {
		t.Fatalf("second claim: %+v %v", c, err)
	}
	late := e.dial(t, "op1", "pc3")
	until(t, late, live.TypeClaims, claimed("7:pc1"))
	if err := e.hub.Release(ctx, 7, "pc2", live.ReleaseDone); !errors.Is(err, live.ErrNotClaimed) {
		t.Fatalf("release by another: %v", err)
	}
	e.log.commit(e.hub, 1, 0, "op1")
	if err := e.hub.Release(ctx, 7, "pc1", live.ReleaseDone); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*websocket.Conn{a, b, late} {
		until(t, c, live.TypeClaims, claimed(""))
	}
	e.log.commit(e.hub, 1, 0, "op1")
	if m := until(t, a, watch.EventHit, func(stateMsg) bool { return true }); m.Seq != 2 {
		t.Fatalf("event after claims: seq %d, want 2", m.Seq)
	}
	want := "pc1 claim hit:7 expires=2026-11-28T14:10:00Z\npc1 claim_release hit:7 reason=released"
	if got := e.audited(); got != want {
		t.Fatalf("audit:\n%s\nwant:\n%s", got, want)
	}
}

// A claim lapses after its time on the hub's clock, and some time after
// its holder's last board closed, unless the holder comes back first.
func TestClaimLapses(t *testing.T) {
	e := newStateEnv(t)
	ctx := context.Background()
	pc1 := live.Viewer{Name: "pc1", Role: "officer"}
	watcher := e.dial(t, "all", "pc9")
	a := e.dial(t, "op1", "pc1")
	until(t, watcher, live.TypePresence, watchers("pc9/officer/1"))
	watchtest.WaitFor(t, "pc1 on op1", 5*time.Second, func() bool { return len(e.hub.Presence("op1")) == 1 })
	if _, err := e.hub.Claim(ctx, 1, nil, pc1); err != nil {
		t.Fatal(err)
	}
	e.advance(9*time.Minute + 59*time.Second)
	if n := e.hub.ExpireClaims(ctx); n != 0 {
		t.Fatalf("expired %d before its time", n)
	}
	e.advance(time.Second)
	if n := e.hub.ExpireClaims(ctx); n != 1 {
		t.Fatalf("expired %d at its time, want 1", n)
	}
	until(t, watcher, live.TypeClaims, claimed(""))

	// the holder's board drops: the claim outlives a reconnect within the
	// grace, and lapses after a drop that lasts
	if _, err := e.hub.Claim(ctx, 2, nil, pc1); err != nil {
		t.Fatal(err)
	}
	a.Close()
	watchtest.WaitFor(t, "pc1 gone", 5*time.Second, func() bool { return len(e.hub.Presence("op1")) == 0 })
	e.advance(20 * time.Second)
	e.dial(t, "op1", "pc1")
	watchtest.WaitFor(t, "pc1 back", 5*time.Second, func() bool { return len(e.hub.Presence("op1")) == 1 })
	e.advance(20 * time.Second)
	if n := e.hub.ExpireClaims(ctx); n != 0 {
		t.Fatalf("released %d though its holder came back", n)
	}
	e.hub.CloseAll()
	watchtest.WaitFor(t, "everyone gone", 5*time.Second, func() bool { return e.hub.Stats().Clients == 0 })
	e.advance(29 * time.Second)
	if n := e.hub.ExpireClaims(ctx); n != 0 {
		t.Fatalf("released %d within the grace", n)
	}
	e.advance(time.Second)
	if n := e.hub.ExpireClaims(ctx); n != 1 || len(e.hub.Claims()) != 0 {
		t.Fatalf("released %d after the grace, %d left", n, len(e.hub.Claims()))
	}
	if got := e.audited(); !strings.Contains(got, "pc1 claim_release hit:1 reason=expired") ||
		!strings.Contains(got, "pc1 claim_release hit:2 reason=disconnected") {
		t.Fatalf("audit:\n%s", got)
	}
}

// A person holds at most MaxClaims at once.
func TestClaimLimit(t *testing.T) {
	e := newStateEnv(t)
	ctx := context.Background()
	for i := int64(1); i <= 20; i++ {
		if _, err := e.hub.Claim(ctx, i, nil, live.Viewer{Name: "pc1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.hub.Claim(ctx, 21, nil, live.Viewer{Name: "pc1"}); !errors.Is(err, live.ErrTooManyClaims) {
		t.Fatalf("21st claim: %v", err)
	}
	if _, err := e.hub.Claim(ctx, 20, nil, live.Viewer{Name: "pc1"}); err != nil {
		t.Fatalf("renewing a held claim: %v", err)
	}
}

// Claims messages go through the bounded queue like events: a signed-in
// client that stops reading while they pile up is closed as slow (4008),
// and the others are not held up.
func TestSlowClientClosedByClaimsMessages(t *testing.T) {
	e := newStateEnv(t)
	stalled := e.dial(t, "all", "pc1")
	reader := e.dial(t, "all", "pc2")
	watchtest.WaitFor(t, "both on the board", 5*time.Second, func() bool { return len(e.hub.Presence("all")) == 2 })
	var got atomic.Int64
	go func() {
		for {
			_, b, err := reader.ReadMessage()
			if err != nil {
				return
			}
			if strings.Contains(string(b), `"type":"claims"`) {
				got.Add(1)
			}
		}
	}()
	ctx := context.Background()
	long := live.Viewer{Name: strings.Repeat("n", 4000), Role: "officer"}
	changes := 0
	for i := 0; i < 100000 && e.hub.Stats().SlowDropped == 0; i++ {
		if _, err := e.hub.Claim(ctx, 1, nil, long); err != nil {
			t.Fatal(err)
		}
		if err := e.hub.Release(ctx, 1, long.Name, live.ReleaseDone); err != nil {
			t.Fatal(err)
		}
		changes += 2
		// the reading client keeps up (on a loaded machine its reader could
		// otherwise fall behind a loop this tight and be dropped too)
		watchtest.WaitFor(t, "the reader to keep up", 10*time.Second, func() bool { return got.Load() >= int64(changes) })
	}
	if e.hub.Stats().SlowDropped != 1 {
		t.Fatalf("%d slow clients after %d claims messages, want 1", e.hub.Stats().SlowDropped, changes)
	}
	if code := closeCode(t, stalled); code != live.CloseSlow {
		t.Fatalf("stalled client closed with %d, want %d", code, live.CloseSlow)
	}
	// the reader gets every one: the list on connect and each change
	watchtest.WaitFor(t, "the reader's claims messages", 10*time.Second, func() bool { return got.Load() == int64(changes)+1 })
}

// A lapsed claim taken over by another person before the sweep ran is
// audited as released (expired) before the new claim, as the sweep would
// have: the log never shows a hit held by two people.
func TestLapsedClaimTakenOverIsAuditedReleased(t *testing.T) {
	e := newStateEnv(t)
	ctx := context.Background()
	if _, err := e.hub.Claim(ctx, 3, nil, live.Viewer{Name: "pc1"}); err != nil {
		t.Fatal(err)
	}
	e.advance(10 * time.Minute)
	if _, err := e.hub.Claim(ctx, 3, nil, live.Viewer{Name: "pc2"}); err != nil {
		t.Fatalf("taking over a lapsed claim: %v", err)
	}
	got := e.audited()
	rel := strings.Index(got, "pc1 claim_release hit:3 reason=expired")
	if rel < 0 || rel > strings.Index(got, "pc2 claim hit:3") {
		t.Fatalf("audit:\n%s", got)
	}
}

// One person may hold only so many board connections; closing one makes
// room for another, and other people are not limited by it.
func TestBoardConnectionsPerPerson(t *testing.T) {
	e := &stateEnv{log: newFakeLog(), now: time.Date(2026, 11, 28, 14, 0, 0, 0, time.UTC)}
	e.hub = live.NewHub(e.log, quiet, live.Options{PresenceDelay: time.Millisecond, Now: e.clock, MaxPerViewer: 2})
	up := &websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "http://"+r.Host }}
	e.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		e.hub.Serve(w, r, up, live.Position{Board: q.Get("board"), Viewer: live.Viewer{Name: q.Get("name"), Role: "officer"}})
	}))
	t.Cleanup(func() { e.hub.CloseAll(); e.ts.Close() })
	try := func(name string) (*websocket.Conn, int) {
		c, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ws?board=all&name="+name,
			http.Header{"Origin": {e.ts.URL}})
		if err != nil {
			if resp == nil {
				t.Fatal(err)
			}
			return nil, resp.StatusCode
		}
		t.Cleanup(func() { c.Close() })
		return c, http.StatusSwitchingProtocols
	}
	first, _ := try("pc1")
	try("pc1")
	if _, code := try("pc1"); code != http.StatusTooManyRequests {
		t.Fatalf("a third board for pc1: HTTP %d, want 429", code)
	}
	if _, code := try("pc2"); code != http.StatusSwitchingProtocols {
		t.Fatalf("pc2 limited by pc1's boards: HTTP %d", code)
	}
	first.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, code := try("pc1")
		if c != nil {
			break
		}
		if code != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("after closing one, pc1 still refused: HTTP %d", code)
		}
		runtime.Gosched()
	}
}
