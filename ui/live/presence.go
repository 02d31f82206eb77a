package live

import (
	"context"
	"encoding/json"
	"sort"
	"time"
)

// Message types that carry no seq: they describe who is here now, are not
// stored and are never replayed. A client applies the latest it got.
const (
	TypePresence = "presence"
	TypeClaims   = "claims"
)

// maxWatchers caps the names one presence message lists; the rest are
// counted in "more".
const maxWatchers = 100

// Viewer is the signed-in person a connection belongs to. A connection
// without a name (none in production) is neither listed nor told.
type Viewer struct {
	Name string
	Role string
	// Team and Session (the session token's hash) are what the connection
	// was allowed on; CloseEnded closes it when they no longer hold.
	Team    string
	Session string
	// Confined: a viewer who reads only their team's boards hears only of
	// claims on hits of the board they have open.
	Confined bool
}

// Watcher is one person in a board's presence list.
type Watcher struct {
	Name        string `json:"name"`
	Role        string `json:"role"`
	Connections int    `json:"connections"`
}

// ephemeralMessage is a presence or claims message on the wire: no seq.
type ephemeralMessage struct {
	Type  string    `json:"type"`
	Board string    `json:"board,omitempty"`
	At    time.Time `json:"at"`
	Data  any       `json:"data"`
}

type presenceData struct {
	Watchers []Watcher `json:"watchers"`
	More     int       `json:"more"`
}

// presence counts the connections of each person on each board; guarded
// by the hub's mu.
type presence map[string]map[string]*Watcher

func (p presence) join(board string, v Viewer) {
	m := p[board]
	if m == nil {
		m = map[string]*Watcher{}
		p[board] = m
	}
	w := m[v.Name]
	if w == nil {
		w = &Watcher{Name: v.Name, Role: v.Role}
		m[v.Name] = w
	}
	w.Connections++
}

func (p presence) leave(board string, v Viewer) {
	m := p[board]
	if w := m[v.Name]; w != nil {
		if w.Connections--; w.Connections <= 0 {
			delete(m, v.Name)
		}
	}
	if len(m) == 0 {
		delete(p, board)
	}
}

// connected says whether the person has a connection on any board.
func (p presence) connected(name string) bool {
	for _, m := range p {
		if m[name] != nil {
			return true
		}
	}
	return false
}

func (p presence) list(board string) presenceData {
	d := presenceData{Watchers: []Watcher{}}
	for _, w := range p[board] {
		d.Watchers = append(d.Watchers, *w)
	}
	sort.Slice(d.Watchers, func(i, j int) bool { return d.Watchers[i].Name < d.Watchers[j].Name })
	if len(d.Watchers) > maxWatchers {
		d.More = len(d.Watchers) - maxWatchers
		d.Watchers = d.Watchers[:maxWatchers]
	}
	return d
}

// presenceChanged notes that a board's watchers changed. The board's list
// goes out after PresenceDelay, once for however many joins and leaves
// came meanwhile: a thousand boards reconnecting after a restart make a
// few messages per board, not a thousand each.
func (h *Hub) presenceChanged(board string) {
	h.pmu.Lock()
	defer h.pmu.Unlock()
	h.dirty[board] = true
	if h.flushPending || h.shut.Load() {
		return // after Shutdown there is no one left to tell
	}
	h.flushPending = true
	done := make(chan struct{})
	h.flushDone = done
	h.flushTimer = time.AfterFunc(h.opts.PresenceDelay, func() {
		defer close(done)
		h.flushPresence()
	})
}

// settlePresence runs a pending presence flush now and waits until no
// flush is running, so none outlives CloseAll or Shutdown.
func (h *Hub) settlePresence(ctx context.Context) error {
	h.pmu.Lock()
	t, done := h.flushTimer, h.flushDone
	if t != nil && t.Stop() {
		t.Reset(0) // stopped before it ran: run it now, once
	}
	h.pmu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flushPresence sends each changed board its list, encoded once per board.
func (h *Hub) flushPresence() {
	h.pmu.Lock()
	boards := h.dirty
	h.dirty = map[string]bool{}
	h.flushPending = false
	h.pmu.Unlock()
	for board := range boards {
		h.mu.RLock()
		d := h.present.list(board)
		h.mu.RUnlock()
		out, err := h.encodeEphemeral(ephemeralMessage{Type: TypePresence, Board: board, At: h.opts.Now().UTC(), Data: d})
		if err != nil {
			h.logger.Error("encode presence", "err", err)
			continue
		}
		h.sendEphemeral(func(c *client) (outgoing, bool) { return out, c.board == board })
	}
}

// Presence returns who is watching a board now.
func (h *Hub) Presence(board string) []Watcher {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.present.list(board).Watchers
}

func (h *Hub) encodeEphemeral(m ephemeralMessage) (outgoing, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return outgoing{}, err
	}
	return outgoing{frame: textFrame(b), ephemeral: true}, nil
}

// sendEphemeral queues, for every signed-in client, the encoded message
// messageFor gives it, if any. It goes through the same bounded queue as
// events: a client that cannot take it is closed as slow.
func (h *Hub) sendEphemeral(messageFor func(*client) (outgoing, bool)) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for c := range h.clients {
		if c.viewer.Name == "" {
			continue
		}
		if out, ok := messageFor(c); ok {
			h.queueEphemeral(c, out)
		}
	}
}

// queueEphemeral queues one encoded message for c, closing it as slow if
// its queue is full.
func (h *Hub) queueEphemeral(c *client, out outgoing) {
	if !c.enqueue(out, h.opts.QueueSize) && c.markSlow() {
		h.slow.Add(1)
	}
}
