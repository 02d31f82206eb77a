package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
)

// fakeLog is a timeline in memory: events 1..head, of which those from
// oldest on are kept.
type fakeLog struct {
	mu       sync.Mutex
	epoch    string
	events   []watch.Event
	head     int64
	onReplay func() // runs when a replay is read, before it is answered
	reads    atomic.Int64
}

func newFakeLog() *fakeLog { return &fakeLog{epoch: "e1"} }

func (l *fakeLog) Epoch() string { return l.epoch }

func (l *fakeLog) EventsAfter(_ context.Context, board string, after int64, limit int) ([]watch.Event, error) {
	l.reads.Add(1)
	if l.onReplay != nil {
		l.onReplay()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []watch.Event
	for _, ev := range l.events {
		if ev.Seq > after && ev.VisibleOn(board) && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (l *fakeLog) Head(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head, nil
}

func (l *fakeLog) Oldest(context.Context) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return 0, nil
	}
	return l.events[0].Seq, nil
}

// add appends n hit events whose data carries pad bytes of text.
func (l *fakeLog) add(n, pad int, ops ...string) []watch.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	text := strings.Repeat("x", pad)
	var evs []watch.Event
	for i := 0; i < n; i++ {
		l.head++
		data, _ := json.Marshal(map[string]any{"n": l.head, "text": text})
		ev := watch.Event{Seq: l.head, Type: watch.EventHit, At: time.Unix(1_800_000_000, 0).UTC(), Operations: ops, Data: data}
		l.events = append(l.events, ev)
		evs = append(evs, ev)
	}
	return evs
}

// prune forgets events up to and including seq.
func (l *fakeLog) prune(seq int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.events) > 0 && l.events[0].Seq <= seq {
		l.events = l.events[1:]
	}
}

// commit appends and publishes, as the store does after a commit.
func (l *fakeLog) commit(h *live.Hub, n, pad int, ops ...string) {
	h.Publish(l.add(n, pad, ops...))
}

type hubEnv struct {
	log *fakeLog
	hub *live.Hub
	ts  *httptest.Server
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newHubEnv(t testing.TB, opts live.Options) *hubEnv {
	t.Helper()
	return newHubEnvOn(t, opts, nil)
}

// newHubEnvOn is newHubEnv with the server's listener wrapped by wrap
// (nil: as it is).
func newHubEnvOn(t testing.TB, opts live.Options, wrap func(net.Listener) net.Listener) *hubEnv {
	t.Helper()
	l := newFakeLog()
	h := live.NewHub(l, quiet, opts)
	up := &websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096,
		CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "http://"+r.Host }}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
		h.Serve(w, r, up, live.Position{Board: q.Get("board"), After: after, Epoch: q.Get("epoch")})
	}))
	if wrap != nil {
		ts.Listener = wrap(ts.Listener)
	}
	ts.Start()
	t.Cleanup(func() { h.CloseAll(); ts.Close() })
	return &hubEnv{log: l, hub: h, ts: ts}
}

func (e *hubEnv) dial(t testing.TB, query string) *websocket.Conn {
	t.Helper()
	h := http.Header{"Origin": {e.ts.URL}}
	c, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/ws?"+query, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// resume dials board=all after seq in the log's epoch.
func (e *hubEnv) resume(t testing.TB, after int64) *websocket.Conn {
	t.Helper()
	return e.dial(t, fmt.Sprintf("board=all&after=%d&epoch=%s", after, e.log.epoch))
}

type msg struct {
	Seq   int64             `json:"seq"`
	Epoch string            `json:"epoch"`
	Type  string            `json:"type"`
	Data  map[string]string `json:"data"`
}

// next reads one message; a close or any error is returned.
func next(c *websocket.Conn) (msg, error) {
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, b, err := c.ReadMessage()
	if err != nil {
		return msg{}, err
	}
	var m msg
	if strings.Contains(string(b), `"type":"reset"`) {
		err = json.Unmarshal(b, &m)
	} else {
		var ev struct {
			Seq   int64  `json:"seq"`
			Epoch string `json:"epoch"`
			Type  string `json:"type"`
		}
		err = json.Unmarshal(b, &ev)
		m = msg{Seq: ev.Seq, Epoch: ev.Epoch, Type: ev.Type}
	}
	return m, err
}

// expectSeqs reads exactly the seqs from..to, in order.
func expectSeqs(t *testing.T, c *websocket.Conn, from, to int64) {
	t.Helper()
	for want := from; want <= to; want++ {
		m, err := next(c)
		if err != nil {
			t.Fatalf("reading seq %d: %v", want, err)
		}
		if m.Seq != want || m.Type != watch.EventHit {
			t.Fatalf("got seq %d type %q, want seq %d", m.Seq, m.Type, want)
		}
	}
}

// closeCode reads until the connection ends and returns its close code
// (1006 when it ended without a close frame).
func closeCode(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	for {
		_, err := next(c)
		if err == nil {
			continue
		}
		if ce, ok := err.(*websocket.CloseError); ok {
			return ce.Code
		}
		return websocket.CloseAbnormalClosure
	}
}
