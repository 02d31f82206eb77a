package live

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/watch"
)

// Position is where a client says it is in the timeline.
type Position struct {
	Board string
	After int64  // last seq the client has; 0 = none
	Epoch string // epoch the client's After belongs to; "" = none
}

type client struct {
	board string
	queue chan outgoing
	once  sync.Once
	done  chan struct{}
	code  int
	text  string
	slow  bool
}

// markSlow stops a client whose queue overflowed; true the first time.
func (c *client) markSlow() bool {
	first := false
	c.once.Do(func() {
		first, c.slow = true, true
		c.code, c.text = CloseSlow, "slow consumer: resume with after"
		close(c.done)
	})
	return first
}

func (c *client) stop(code int, text string) {
	c.once.Do(func() {
		c.code, c.text = code, text
		close(c.done)
	})
}

// Serve upgrades an authenticated, origin-checked request and streams the
// board's events from pos. The upgrader must carry the origin check.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, pos Position) {
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	conn.SetReadLimit(4096)
	c := &client{board: pos.Board, queue: make(chan outgoing, h.opts.QueueSize), done: make(chan struct{})}
	// Subscribe before replaying: an event committed meanwhile is in both
	// the replay and the queue, and the writer drops the duplicate by seq.
	h.add(c)
	defer h.remove(c)
	go h.readPump(conn, c)
	h.writePump(r.Context(), conn, c, pos)
}

// readPump reads only to see pongs and the close; clients send nothing else.
func (h *Hub) readPump(conn *websocket.Conn, c *client) {
	wait := 2 * h.opts.PingPeriod
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			c.stop(websocket.CloseNormalClosure, "")
			return
		}
	}
}

func (h *Hub) write(conn *websocket.Conn, pm *websocket.PreparedMessage) error {
	_ = conn.SetWriteDeadline(time.Now().Add(h.opts.WriteWait))
	if err := conn.WritePreparedMessage(pm); err != nil {
		return err
	}
	h.sent.Add(1)
	return nil
}

func (h *Hub) closeWith(conn *websocket.Conn, code int, text string) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(h.opts.WriteWait))
	_ = conn.Close()
}

// resetReason says why a client's position cannot be resumed, or "".
func (h *Hub) resetReason(ctx context.Context, pos Position) (string, error) {
	if pos.Epoch != "" && pos.Epoch != h.log.Epoch() {
		return "epoch changed", nil
	}
	if pos.After == 0 {
		return "", nil
	}
	if pos.Epoch == "" {
		return "position without epoch", nil
	}
	head, err := h.log.Head(ctx)
	if err != nil {
		return "", err
	}
	if pos.After > head {
		return "position ahead of the timeline", nil
	}
	oldest, err := h.log.Oldest(ctx)
	if err != nil {
		return "", err
	}
	if oldest > 0 && pos.After < oldest-1 {
		return "position older than what is kept", nil
	}
	return "", nil
}

func (h *Hub) sendReset(conn *websocket.Conn, reason string) {
	data, _ := json.Marshal(map[string]string{"reason": reason})
	b, _ := json.Marshal(message{Epoch: h.log.Epoch(), Type: watch.EventReset, At: h.opts.Now().UTC(), Data: data})
	_ = conn.SetWriteDeadline(time.Now().Add(h.opts.WriteWait))
	_ = conn.WriteMessage(websocket.TextMessage, b)
	h.closeWith(conn, CloseReset, "reset: "+reason)
}

func (h *Hub) writePump(ctx context.Context, conn *websocket.Conn, c *client, pos Position) {
	reason, err := h.resetReason(ctx, pos)
	if err != nil {
		h.logger.Error("resume position", "err", err)
		h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
		return
	}
	if reason != "" {
		h.sendReset(conn, reason)
		return
	}
	last := pos.After
	evs, err := h.log.EventsAfter(ctx, pos.Board, last, h.opts.MaxReplay+1)
	if err != nil {
		h.logger.Error("replay", "err", err)
		h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
		return
	}
	if len(evs) > h.opts.MaxReplay {
		h.sendReset(conn, "too far behind")
		return
	}
	for _, ev := range evs {
		out, err := h.encode(ev)
		if err == nil {
			err = h.write(conn, out.pm)
		}
		if err != nil {
			_ = conn.Close()
			return
		}
		last = ev.Seq
	}
	ping := time.NewTicker(h.opts.PingPeriod)
	defer ping.Stop()
	for {
		select {
		case out := <-c.queue:
			if out.seq <= last {
				continue // already replayed
			}
			if err := h.write(conn, out.pm); err != nil {
				c.stop(websocket.CloseAbnormalClosure, "")
				_ = conn.Close()
				return
			}
			last = out.seq
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(h.opts.WriteWait)); err != nil {
				_ = conn.Close()
				return
			}
		case <-c.done:
			h.closeWith(conn, c.code, c.text)
			return
		}
	}
}
