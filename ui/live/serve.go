package live

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/watch"
)

// Serve upgrades an authenticated, origin-checked request and streams the
// board's events from pos. The upgrader must carry the origin check.
//
// Serve returns once the client is subscribed and its replay is read: the
// connection then lives on in two goroutines (a reader and a writer), and
// the HTTP server's goroutine with its buffers is freed. That keeps an idle
// board connection small.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, up *websocket.Upgrader, pos Position) {
	u := *up
	if u.WriteBufferPool == nil {
		u.WriteBufferPool = &h.writeBufs
	}
	// Frames are built once for every client (textFrame): no compression.
	u.EnableCompression = false
	if h.shut.Load() {
		http.Error(w, "The server is shutting down.", http.StatusServiceUnavailable)
		return
	}
	if !h.reserve(pos.Viewer.Name) {
		http.Error(w, "Too many board connections are open for this account: close some tabs.", http.StatusTooManyRequests)
		return
	}
	conn, err := u.Upgrade(w, r, nil)
	if err != nil {
		h.release(pos.Viewer.Name)
		return // the upgrader has answered
	}
	conn.SetReadLimit(4096)
	h.limitSendBuffer(conn.NetConn())
	c := newClient(pos.Board, pos.Viewer)
	// Subscribe before replaying: an event committed meanwhile is in both
	// the replay and the queue, and the writer drops the duplicate by seq.
	if !h.add(c) {
		h.release(pos.Viewer.Name)
		h.closeWith(conn, websocket.CloseGoingAway, "server going away")
		return
	}
	replay, ok := h.replay(r.Context(), conn, pos)
	if ok {
		// no record of who was replayed what, no replay
		if err := h.auditReplay(r.Context(), pos, replay); err != nil {
			h.logger.Error("audit replay", "err", err)
			h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
			ok = false
		}
	}
	if !ok {
		h.remove(c)
		close(c.finished)
		return
	}
	go h.readPump(conn, c)
	go h.writePump(conn, c, replay, pos.After)
}

// limitSendBuffer fixes the socket's send buffer (under TLS, the one
// beneath), which also turns off its autotuning.
func (h *Hub) limitSendBuffer(nc net.Conn) {
	if t, ok := nc.(interface{ NetConn() net.Conn }); ok {
		nc = t.NetConn()
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(h.opts.SendBuffer)
	}
}

// replay checks the client's position and gathers what it missed, encoded;
// false when the connection has been answered (reset) and closed.
func (h *Hub) replay(ctx context.Context, conn *websocket.Conn, pos Position) ([]outgoing, bool) {
	reason, head, err := h.resetReason(ctx, pos)
	if err != nil {
		h.logger.Error("resume position", "err", err)
		h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
		return nil, false
	}
	if reason != "" {
		h.sendReset(conn, reason)
		return nil, false
	}
	if pos.After > 0 {
		if outs, ok := h.recent.span(pos.Board, pos.After, head); ok {
			if len(outs) > h.opts.MaxReplay {
				h.sendReset(conn, "too far behind")
				return nil, false
			}
			return outs, true
		}
	}
	evs, err := h.log.EventsAfter(ctx, pos.Board, pos.After, h.opts.MaxReplay+1)
	if err != nil {
		h.logger.Error("replay", "err", err)
		h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
		return nil, false
	}
	if len(evs) > h.opts.MaxReplay {
		h.sendReset(conn, "too far behind")
		return nil, false
	}
	outs := make([]outgoing, 0, len(evs))
	for _, ev := range evs {
		out, ok := h.recent.get(ev.Seq)
		if !ok {
			if out, err = h.encode(ev); err != nil {
				h.logger.Error("encode event", "seq", ev.Seq, "err", err)
				h.closeWith(conn, websocket.CloseInternalServerErr, "timeline unavailable")
				return nil, false
			}
			h.encoded.Add(1)
			h.recent.put(ev, out)
		}
		outs = append(outs, out)
	}
	return outs, true
}

// readPump reads only to see pongs and the close; clients send nothing else.
func (h *Hub) readPump(conn *websocket.Conn, c *client) {
	defer close(c.readDone)
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

// writeChunk is the most one write gathers (the send buffer's size).
const writeChunk = 64 << 10

// writeFrames writes whole frames straight to the socket, gathered into
// writes of up to writeChunk bytes, each under its own deadline: a writer
// that finds several events queued pays for one system call and one
// deadline (and under TLS one record), not one each, and a long replay
// still gets WriteWait for every chunk. Only the connection's writer calls
// it, so it never interleaves with gorilla's own writes (pings, the close).
func (h *Hub) writeFrames(conn *websocket.Conn, c *client, frames [][]byte) error {
	if len(frames) == 0 {
		return nil
	}
	if err := h.gather(conn.NetConn(), frames); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() && c.markSlow() {
			h.slow.Add(1) // it stopped reading: as slow as a full queue
		}
		return err
	}
	h.sent.Add(int64(len(frames)))
	return nil
}

// gather writes frames in as few writes as writeChunk allows, each under
// a deadline of WriteWait; a lone frame is written as it is.
func (h *Hub) gather(nc net.Conn, frames [][]byte) error {
	write := func(b []byte) error {
		_ = nc.SetWriteDeadline(time.Now().Add(h.opts.WriteWait))
		_, err := nc.Write(b)
		return err
	}
	if len(frames) == 1 {
		return write(frames[0])
	}
	bp := h.gatherBufs.Get().(*[]byte)
	buf := (*bp)[:0]
	defer func() {
		if cap(buf) <= 2*writeChunk {
			*bp = buf[:0]
			h.gatherBufs.Put(bp)
		}
	}()
	for _, f := range frames {
		if len(buf) > 0 && len(buf)+len(f) > writeChunk {
			if err := write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		buf = append(buf, f...)
	}
	return write(buf)
}

func (h *Hub) closeWith(conn *websocket.Conn, code int, text string) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(h.opts.WriteWait))
	_ = conn.Close()
}

// resetReason says why a client's position cannot be resumed, or "";
// with a position, it also returns the timeline's head.
func (h *Hub) resetReason(ctx context.Context, pos Position) (string, int64, error) {
	if pos.Epoch != "" && pos.Epoch != h.log.Epoch() {
		return "epoch changed", 0, nil
	}
	if pos.After == 0 {
		return "", 0, nil
	}
	if pos.Epoch == "" {
		return "position without epoch", 0, nil
	}
	head, err := h.log.Head(ctx)
	if err != nil {
		return "", 0, err
	}
	if pos.After > head {
		return "position ahead of the timeline", head, nil
	}
	oldest, err := h.log.Oldest(ctx)
	if err != nil {
		return "", 0, err
	}
	if oldest > 0 && pos.After < oldest-1 {
		return "position older than what is kept", head, nil
	}
	return "", head, nil
}

func (h *Hub) sendReset(conn *websocket.Conn, reason string) {
	data, _ := json.Marshal(map[string]string{"reason": reason})
	b, _ := json.Marshal(message{Epoch: h.log.Epoch(), Type: watch.EventReset, At: h.opts.Now().UTC(), Data: data})
	_ = conn.SetWriteDeadline(time.Now().Add(h.opts.WriteWait))
	_ = conn.WriteMessage(websocket.TextMessage, b)
	h.closeWith(conn, CloseReset, "reset: "+reason)
}

// writePump is the connection's only writer: the replay, then live events
// (dropping any seq the replay already sent), pings, and the close.
//
// Every way out closes the connection, which ends the reader too; the
// writer then waits for the reader, removes the client and marks it
// finished, so the hub knows when both goroutines are gone.
func (h *Hub) writePump(conn *websocket.Conn, c *client, replay []outgoing, last int64) {
	defer func() {
		<-c.readDone
		h.remove(c)
		close(c.finished)
	}()
	frames := make([][]byte, 0, len(replay))
	for _, out := range replay {
		frames = append(frames, out.frame)
		last = out.seq
	}
	if err := h.writeFrames(conn, c, frames); err != nil {
		c.stop(websocket.CloseAbnormalClosure, "")
		_ = conn.Close()
		return
	}
	replay, frames = nil, nil
	ping := time.NewTicker(h.opts.PingPeriod)
	defer ping.Stop()
	for {
		select {
		case <-c.wake:
			var err error
			if last, err = h.drain(conn, c, last); err != nil {
				c.stop(websocket.CloseAbnormalClosure, "")
				_ = conn.Close()
				return
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(h.opts.WriteWait)); err != nil {
				c.stop(websocket.CloseAbnormalClosure, "")
				_ = conn.Close()
				return
			}
		case <-c.done:
			h.closeWith(conn, c.code, c.text)
			return
		}
	}
}

// drain writes what is queued, in order, in one write, and returns the
// last seq written. A stopped client gets no more events: the close
// comes next.
func (h *Hub) drain(conn *websocket.Conn, c *client, last int64) (int64, error) {
	batch := c.take()
	defer c.giveBack(batch)
	defer c.queued.Add(-int32(len(batch)))
	if c.stopped() {
		return last, nil
	}
	fp := h.frameLists.Get().(*[][]byte)
	frames := (*fp)[:0]
	defer func() {
		clear(frames) // let the frames go
		if cap(frames) <= 256 {
			*fp = frames[:0]
			h.frameLists.Put(fp)
		}
	}()
	next := last
	for _, out := range batch {
		if !out.ephemeral && out.seq <= next {
			continue // already replayed
		}
		frames = append(frames, out.frame)
		if !out.ephemeral {
			next = out.seq
		}
	}
	if err := h.writeFrames(conn, c, frames); err != nil {
		return last, err
	}
	return next, nil
}
