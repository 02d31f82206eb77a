package ui

import (
	"net"
	"sync"
)

// LimitPerPeer caps the connections one TCP peer may hold open on ln at
// max; a connection beyond the cap is closed as soon as it is accepted.
// The peer is the socket's remote address, never a header: behind a
// proxy every connection is the proxy's. max 0 is no cap.
func LimitPerPeer(ln net.Listener, max int) net.Listener {
	if max <= 0 {
		return ln
	}
	return &peerLimit{Listener: ln, max: max, open: map[string]int{}}
}

type peerLimit struct {
	net.Listener
	max  int
	mu   sync.Mutex
	open map[string]int // open connections by peer address
}

func (l *peerLimit) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		peer := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(peer); err == nil {
			peer = host
		}
		if l.take(peer) {
			return &peerConn{Conn: c, l: l, peer: peer}, nil
		}
		_ = c.Close()
	}
}

func (l *peerLimit) take(peer string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[peer] >= l.max {
		return false
	}
	l.open[peer]++
	return true
}

func (l *peerLimit) release(peer string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open[peer]--; l.open[peer] <= 0 {
		delete(l.open, peer)
	}
}

// peerConn gives its place back once, however often it is closed (the
// server and a hijacker may both close it).
type peerConn struct {
	net.Conn
	l    *peerLimit
	peer string
	once sync.Once
}

func (c *peerConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.peer) })
	return err
}
