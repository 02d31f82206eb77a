package live

import (
	"sync"
	"sync/atomic"
)

// Position is where a client says it is in the timeline.
type Position struct {
	Board string
	After int64  // last seq the client has; 0 = none
	Epoch string // epoch the client's After belongs to; "" = none
	// Viewer is who is connected, for presence and claims; a connection
	// without one gets neither.
	Viewer Viewer
}

// client is one connection's side of the fan-out. Its queue is a slice
// that grows only while events wait, so an idle client holds almost no
// queue memory (a channel of QueueSize would hold 4 KB each, idle or not).
type client struct {
	board  string
	viewer Viewer
	mu     sync.Mutex
	queue  []outgoing    // waiting for the writer
	spare  []outgoing    // the writer's drained batch, reused; only the writer touches it
	queued atomic.Int32  // in queue or in the writer's batch, not yet written
	wake   chan struct{} // capacity 1: the queue has something
	once   sync.Once
	done   chan struct{} // closed by stop: the writer sends the close next
	code   int
	text   string
	// readDone is closed when the reader returns; finished once the
	// client's goroutines have all returned and it is removed from the hub.
	readDone chan struct{}
	finished chan struct{}
}

func newClient(board string, v Viewer) *client {
	return &client{board: board, viewer: v, wake: make(chan struct{}, 1), done: make(chan struct{}),
		readDone: make(chan struct{}), finished: make(chan struct{})}
}

// enqueue adds an event unless max are already waiting; it never blocks.
func (c *client) enqueue(out outgoing, max int) bool {
	if int(c.queued.Load()) >= max {
		return false
	}
	c.queued.Add(1)
	c.mu.Lock()
	c.queue = append(c.queue, out)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return true
}

// take hands the writer everything queued, in order.
func (c *client) take() []outgoing {
	c.mu.Lock()
	batch := c.queue
	c.queue = c.spare[:0]
	c.mu.Unlock()
	return batch
}

// giveBack returns a written batch for reuse; a batch grown by a burst is
// dropped so an idle client shrinks back.
func (c *client) giveBack(batch []outgoing) {
	clear(batch) // let the frames go
	if cap(batch) > 16 {
		batch = nil
	}
	c.spare = batch[:0]
}

// markSlow stops a client whose queue overflowed or whose write passed its
// deadline; true the first time.
func (c *client) markSlow() bool {
	first := false
	c.once.Do(func() {
		first = true
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

func (c *client) stopped() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
