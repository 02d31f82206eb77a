package live_test

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// gatedListener's connections count their writes and, while held, stop
// the next write until released.
type gatedListener struct {
	net.Listener
	mu      sync.Mutex
	writes  int
	held    chan struct{} // closed to release; nil: not held
	entered chan struct{} // told when a write waits at the gate
}

func (l *gatedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &gatedConn{Conn: c, l: l}, nil
}

func (l *gatedListener) hold() (release func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	held := make(chan struct{})
	l.held = held
	return func() { close(held) }
}

func (l *gatedListener) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.writes
}

type gatedConn struct {
	net.Conn
	l *gatedListener
}

func (c *gatedConn) Write(b []byte) (int, error) {
	c.l.mu.Lock()
	c.l.writes++
	held := c.l.held
	c.l.held = nil
	c.l.mu.Unlock()
	if held != nil {
		c.l.entered <- struct{}{}
		<-held
	}
	return c.Conn.Write(b)
}

// Events that queue while the writer is busy go out in one write, not
// one write (one system call) each.
func TestQueuedEventsGoInOneWrite(t *testing.T) {
	gl := &gatedListener{entered: make(chan struct{}, 1)}
	e := newHubEnvOn(t, live.Options{}, func(l net.Listener) net.Listener { gl.Listener = l; return gl })
	c := e.dial(t, "board=all&epoch=e1")
	watchtest.WaitFor(t, "subscription", 5*time.Second, func() bool { return e.hub.Stats().Clients == 1 })
	release := gl.hold()
	before := gl.count()
	e.log.commit(e.hub, 1, 0)
	select {
	case <-gl.entered: // the writer is in the first event's write
	case <-time.After(10 * time.Second):
		t.Fatal("the writer never wrote the first event")
	}
	e.log.commit(e.hub, 9, 0) // queued meanwhile
	release()
	expectSeqs(t, c, 1, 10)
	if got := gl.count() - before; got != 2 {
		t.Fatalf("%d writes for 10 events (1, then 9 queued behind it), want 2", got)
	}
}
