// Package live carries the timeline to boards over websockets. Each event
// is encoded once per publish, whatever the number of clients; each client
// has one writer goroutine and a bounded queue, and a client that cannot
// keep up is closed and resumes by seq.
package live

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/watch"
)

// Close codes beyond RFC 6455, in the private range.
const (
	CloseSlow  = 4008 // the client's queue overflowed; resume with after=<last seq>
	CloseReset = 4009 // the client's position is unknown; reload the board
)

// Log is the timeline as the hub needs it.
type Log interface {
	Epoch() string
	EventsAfter(ctx context.Context, board string, after int64, limit int) ([]watch.Event, error)
	Head(ctx context.Context) (int64, error)
	Oldest(ctx context.Context) (int64, error)
}

// Options tune the hub.
type Options struct {
	QueueSize  int           // events buffered per client before it counts as slow (default 256)
	WriteWait  time.Duration // deadline for one write (default 10s)
	PingPeriod time.Duration // default 30s; a client silent for twice this is dropped
	MaxReplay  int           // more missed events than this means reset (default 10000)
	// SendBuffer is the kernel's send buffer per connection in bytes
	// (default 64 KB). Left to autotuning it grows to megabytes for a
	// client that stops reading, which then goes unnoticed for minutes at
	// a board's rate while the kernel holds its backlog.
	SendBuffer int
	// Recent is how many of the latest encoded events the hub keeps for
	// replays (default 1024, about 2 MB of 1 KB events).
	Recent int
	// PresenceDelay gathers a board's joins and leaves into one presence
	// message (default 250ms).
	PresenceDelay time.Duration
	ClaimTTL      time.Duration // a claim lapses after this (default 10m)
	ClaimGrace    time.Duration // a claim lapses this long after its holder's last board closed (default 30s)
	MaxClaims     int           // claims one person may hold at once (default 20)
	// MaxPerViewer is how many board connections one signed-in person may
	// hold at once (default 50; negative: no limit): a session cannot
	// exhaust the server's file descriptors by opening board after board.
	MaxPerViewer int
	// Audit records claims taken and released; nil records nothing.
	Audit func(ctx context.Context, e watch.AuditEntry) error
	Now   func() time.Time
}

func (o *Options) defaults() {
	if o.QueueSize <= 0 {
		o.QueueSize = 256
	}
	if o.WriteWait <= 0 {
		o.WriteWait = 10 * time.Second
	}
	if o.PingPeriod <= 0 {
		o.PingPeriod = 30 * time.Second
	}
	if o.MaxReplay <= 0 {
		o.MaxReplay = 10000
	}
	if o.SendBuffer <= 0 {
		o.SendBuffer = 64 << 10
	}
	if o.Recent <= 0 {
		o.Recent = 1024
	}
	if o.PresenceDelay <= 0 {
		o.PresenceDelay = 250 * time.Millisecond
	}
	if o.ClaimTTL <= 0 {
		o.ClaimTTL = 10 * time.Minute
	}
	if o.ClaimGrace <= 0 {
		o.ClaimGrace = 30 * time.Second
	}
	if o.MaxClaims <= 0 {
		o.MaxClaims = 20
	}
	if o.MaxPerViewer == 0 {
		o.MaxPerViewer = 50
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Hub tracks connected clients and fans events out to them.
type Hub struct {
	log     Log
	logger  *slog.Logger
	opts    Options
	mu      sync.RWMutex
	clients map[*client]struct{}
	shut    atomic.Bool // set under mu by Shutdown: no client is added after
	slow    atomic.Int64
	sent    atomic.Int64
	encoded atomic.Int64
	recent  *recent
	// writeBufs lends a write buffer to a connection only while it writes a
	// frame that is not built by the hub (a reset); the hub's frames and control
	// frames need none, so an idle connection holds no write buffer.
	writeBufs sync.Pool
	// frameLists lends writers the list of frames for one write, and
	// gatherBufs the buffer that gathers them.
	frameLists, gatherBufs sync.Pool

	present      presence       // guarded by mu
	perViewer    map[string]int // board connections held or being opened per person; guarded by mu
	pmu          sync.Mutex
	dirty        map[string]bool // boards whose presence changed since the last flush
	flushPending bool
	flushTimer   *time.Timer   // the latest presence flush scheduled
	flushDone    chan struct{} // closed when that flush has run
	// cmu guards the claims and orders their messages; taken before mu.
	cmu         sync.Mutex
	claims      map[int64]*Claim
	claimsOut   outgoing            // the current list, encoded, for clients that see every claim; empty until asked for
	claimsBoard map[string]outgoing // the current list's part a board shows, for viewers confined to a team
	claimsAt    time.Time           // when the list last changed
}

// NewHub makes a hub reading replays from log.
func NewHub(log Log, logger *slog.Logger, opts Options) *Hub {
	opts.defaults()
	return &Hub{log: log, logger: logger.With("component", "live"), opts: opts, clients: map[*client]struct{}{},
		recent: newRecent(opts.Recent), present: presence{}, dirty: map[string]bool{}, claims: map[int64]*Claim{}, claimsBoard: map[string]outgoing{},
		perViewer: map[string]int{}, frameLists: sync.Pool{New: func() any { return new([][]byte) }},
		gatherBufs: sync.Pool{New: func() any { return new([]byte) }}}
}

// message is one event as it goes over the wire.
type message struct {
	Seq   int64           `json:"seq"`
	Epoch string          `json:"epoch"`
	Type  string          `json:"type"`
	At    time.Time       `json:"at"`
	Data  json.RawMessage `json:"data"`
}

// outgoing is an encoded event ready for any number of connections: the
// whole websocket frame, shared by every client.
type outgoing struct {
	seq       int64
	frame     []byte
	ephemeral bool // presence or claims: no seq, never skipped as a duplicate
}

func (h *Hub) encode(ev watch.Event) (outgoing, error) {
	b, err := json.Marshal(message{Seq: ev.Seq, Epoch: h.log.Epoch(), Type: ev.Type, At: ev.At, Data: ev.Data})
	if err != nil {
		return outgoing{}, err
	}
	return outgoing{seq: ev.Seq, frame: textFrame(b)}, nil
}

// Publish hands committed events to every client whose board shows them.
// It never blocks on a client: one whose queue is full is closed as slow.
func (h *Hub) Publish(evs []watch.Event) {
	for _, ev := range evs {
		out, err := h.encode(ev)
		if err != nil {
			h.logger.Error("encode event", "seq", ev.Seq, "err", err)
			continue
		}
		h.encoded.Add(1)
		h.recent.put(ev, out)
		h.mu.RLock()
		for c := range h.clients {
			if !ev.VisibleOn(c.board) {
				continue
			}
			if !c.enqueue(out, h.opts.QueueSize) && c.markSlow() {
				h.slow.Add(1)
			}
		}
		h.mu.RUnlock()
	}
}

// Stats are counters for metrics.
type Stats struct {
	Clients      int
	SlowDropped  int64 // closed for a full queue or a write that passed its deadline
	MessagesSent int64
	Encoded      int64 // events encoded: one per event, whatever the number of clients (replays reuse recent ones)
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.RLock()
	n := len(h.clients)
	h.mu.RUnlock()
	return Stats{Clients: n, SlowDropped: h.slow.Load(), MessagesSent: h.sent.Load(), Encoded: h.encoded.Load()}
}

// CloseAll closes every connection (going away) and waits for their
// goroutines and the presence message their leaving makes. The hub stays
// open: clients reconnect and resume (a network blip, in tests).
func (h *Hub) CloseAll() {
	h.mu.RLock()
	cs := h.snapshot()
	h.mu.RUnlock()
	_ = h.closeClients(context.Background(), cs)
}

// CloseEnded closes, with CloseSignedOut, every connection whose viewer
// still says alive no longer: a session ended, revoked or disabled, or a
// role or team changed since the connection was allowed. It does not wait
// for the connections' goroutines; it returns how many it closed.
func (h *Hub) CloseEnded(alive func(Viewer) bool) int {
	h.mu.RLock()
	cs := h.snapshot()
	h.mu.RUnlock()
	n := 0
	for _, c := range cs {
		if c.viewer.Session != "" && !alive(c.viewer) {
			c.stop(CloseSignedOut, "signed out")
			n++
		}
	}
	return n
}

// CloseSignedOut is the close code of a connection whose session ended or
// whose access changed: the page goes to the sign-in page.
const CloseSignedOut = 4001

// Shutdown closes the hub for good: it refuses new connections, closes
// every client (going away) and waits until their reader and writer
// goroutines have returned and no presence flush is pending or running.
// If ctx ends first it returns ctx's error; the goroutines still end, as
// every connection is closed or has a write deadline.
func (h *Hub) Shutdown(ctx context.Context) error {
	h.mu.Lock()
	h.shut.Store(true)
	cs := h.snapshot()
	h.mu.Unlock()
	return h.closeClients(ctx, cs)
}

// snapshot lists the clients; mu is held.
func (h *Hub) snapshot() []*client {
	cs := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		cs = append(cs, c)
	}
	return cs
}

func (h *Hub) closeClients(ctx context.Context, cs []*client) error {
	for _, c := range cs {
		c.stop(websocket.CloseGoingAway, "server going away")
	}
	for _, c := range cs {
		select {
		case <-c.finished:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return h.settlePresence(ctx)
}

// add subscribes a client; false once the hub is shut down.
func (h *Hub) add(c *client) bool {
	h.mu.Lock()
	if h.shut.Load() {
		h.mu.Unlock()
		return false
	}
	h.clients[c] = struct{}{}
	if c.viewer.Name != "" {
		h.present.join(c.board, c.viewer)
	}
	h.mu.Unlock()
	if c.viewer.Name != "" {
		h.joined(c)
	}
	return true
}

// reserve counts a connection being opened by a signed-in person; false
// when they hold as many as they may. A reservation ends with release
// (or, once the client is added, with remove).
func (h *Hub) reserve(name string) bool {
	if name == "" {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.opts.MaxPerViewer > 0 && h.perViewer[name] >= h.opts.MaxPerViewer {
		return false
	}
	h.perViewer[name]++
	return true
}

// release ends a reservation; h.mu is held.
func (h *Hub) releaseLocked(name string) {
	if name == "" {
		return
	}
	if h.perViewer[name]--; h.perViewer[name] <= 0 {
		delete(h.perViewer, name)
	}
}

func (h *Hub) release(name string) {
	h.mu.Lock()
	h.releaseLocked(name)
	h.mu.Unlock()
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	_, was := h.clients[c]
	delete(h.clients, c)
	if was && c.viewer.Name != "" {
		h.present.leave(c.board, c.viewer)
		h.releaseLocked(c.viewer.Name)
	}
	h.mu.Unlock()
	if was && c.viewer.Name != "" {
		h.left(c)
	}
}
