//go:build linux

package bench

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// fanClient is one board connection of the load generator. Its loop owns
// every field but the immutable id and stall.
type fanClient struct {
	id      int
	stall   bool // stops reading in the stall phase
	loop    *fanLoop
	fd      int   // -1 while not connected
	last    int64 // last seq received
	stamp   int64 // publish time of the last event received
	partial []byte
	frag    []byte // a fragmented message in progress
	backoff time.Duration
	failed  bool // reset: its position is lost, it stops
	parked  bool // disconnected on purpose; no reconnect
	paused  bool // not reading (stalled)
}

// fanCounters are the generator's totals, across loops.
type fanCounters struct {
	delivered, dups, gaps, resets                atomic.Int64
	closedSlow, closedAway, closedAbrupt, closed atomic.Int64
	connects, dialFailed, connected              atomic.Int64
}

// fanLatency is what the loops share about the stall.
type fanLatency struct {
	// stallNs is when the stalled clients stopped reading; filledNs the
	// latest publish time of the last event a stalled client got before
	// the server closed it: about when its socket filled and the server's
	// writes to it began to block.
	stallNs, filledNs atomic.Int64
}

// fanArrivals are one event's arrivals at a loop's clients: its publish
// stamp and, for each client, arrival minus stamp in microseconds. The
// time from stamp to commit is known only to the server's process, so
// latency is worked out at the end (fanLoop.latency).
type fanArrivals struct {
	stamp            int64
	reading, stalled []int32
}

// fanLoop drives a share of the clients on one epoll instance.
type fanLoop struct {
	epfd    int
	byFD    []*fanClient
	clients []*fanClient
	ctl     chan func()
	added   chan fanDialed
	buf     []byte
	events  []syscall.EpollEvent
	dialer  *fanDialer
	ctr     *fanCounters
	lat     *fanLatency
	arrived map[int64]*fanArrivals // by seq
}

func newFanLoop(maxFD int, d *fanDialer, ctr *fanCounters, lat *fanLatency) (*fanLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return &fanLoop{epfd: epfd, byFD: make([]*fanClient, maxFD+1), ctl: make(chan func(), 16),
		added: make(chan fanDialed, 1024), buf: make([]byte, 256<<10), events: make([]syscall.EpollEvent, 512),
		dialer: d, ctr: ctr, lat: lat, arrived: map[int64]*fanArrivals{}}, nil
}

// do runs f on the loop and waits for it.
func (l *fanLoop) do(f func()) {
	done := make(chan struct{})
	l.ctl <- func() { f(); close(done) }
	<-done
}

// run waits for the epoll set in the Go runtime's own poller (an epoll
// descriptor is itself pollable), never in a blocking epoll_wait: a
// goroutine blocked in a system call holds a processor until the runtime
// notices, which would starve the server this process also runs.
func (l *fanLoop) run(ctx context.Context) {
	_ = syscall.SetNonblock(l.epfd, true)
	ep := os.NewFile(uintptr(l.epfd), "epoll")
	defer ep.Close()
	rc, err := ep.SyscallConn()
	if err != nil {
		panic(err) // an epoll descriptor is always pollable on Linux
	}
	defer func() {
		for _, c := range l.clients {
			c.parked = true
			if c.fd >= 0 {
				l.drop(c, 0)
			}
		}
	}()
	for ctx.Err() == nil {
		l.control()
		// wake at least every few milliseconds for control and new sockets
		_ = ep.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
		n := 0
		_ = rc.Read(func(fd uintptr) bool {
			n, _ = syscall.EpollWait(int(fd), l.events, 0)
			return n > 0
		})
		for _, ev := range l.events[:n] {
			if c := l.byFD[ev.Fd]; c != nil {
				l.read(c)
			}
		}
	}
}

func (l *fanLoop) control() {
	for {
		select {
		case f := <-l.ctl:
			f()
		case d := <-l.added:
			l.attach(d)
		default:
			return
		}
	}
}

func (l *fanLoop) attach(d fanDialed) {
	c := d.c
	if d.err != nil {
		l.ctr.dialFailed.Add(1)
		l.retry(c)
		return
	}
	if c.parked || c.fd >= 0 {
		syscall.Close(d.fd)
		return
	}
	c.fd, c.backoff = d.fd, 0
	l.byFD[c.fd] = c
	l.ctr.connects.Add(1)
	l.ctr.connected.Add(1)
	if !c.paused {
		l.watch(c, true)
	}
	if len(d.rest) > 0 {
		l.consume(c, d.rest)
	}
}

func (l *fanLoop) watch(c *fanClient, on bool) {
	if on {
		_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, c.fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(c.fd)})
		return
	}
	_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
}

// retry reconnects as docs/protocol.md tells a board to: after a random
// time up to 0.5 s doubling with each attempt (capped at 15 s), plus 250 ms.
func (l *fanLoop) retry(c *fanClient) {
	if c.failed || c.parked {
		return
	}
	c.backoff = min(max(2*c.backoff, 500*time.Millisecond), 15*time.Second)
	req := fanDialReq{c: c, after: c.last}
	time.AfterFunc(rand.N(c.backoff)+250*time.Millisecond, func() { l.dialer.queue <- req })
}

// drop closes c's socket after the server closed (code) or the stream
// ended (0), and reconnects unless told not to.
func (l *fanLoop) drop(c *fanClient, code int) {
	syscall.Close(c.fd) // also leaves the epoll set
	l.byFD[c.fd] = nil
	c.fd, c.partial, c.frag = -1, nil, nil
	l.ctr.connected.Add(-1)
	if stall := l.lat.stallNs.Load(); c.stall && stall > 0 && c.stamp > stall {
		for v := l.lat.filledNs.Load(); c.stamp > v && !l.lat.filledNs.CompareAndSwap(v, c.stamp); v = l.lat.filledNs.Load() {
		}
	}
	switch code {
	case 4008:
		l.ctr.closedSlow.Add(1)
	case 1001:
		l.ctr.closedAway.Add(1)
	case 0:
		l.ctr.closedAbrupt.Add(1)
	default:
		l.ctr.closed.Add(1)
	}
	l.retry(c)
}

func (l *fanLoop) read(c *fanClient) {
	n, err := syscall.Read(c.fd, l.buf)
	if errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EINTR) {
		return
	}
	if err != nil || n == 0 {
		l.drop(c, 0)
		return
	}
	data := l.buf[:n]
	if len(c.partial) > 0 {
		data, c.partial = append(c.partial, data...), nil
	}
	l.consume(c, data)
}

// consume handles every whole frame in data and keeps the rest.
func (l *fanLoop) consume(c *fanClient, data []byte) {
	now := time.Now().UnixNano()
	for len(data) >= 2 {
		fin, op, n := data[0]&0x80 != 0, data[0]&0x0f, int(data[1]&0x7f)
		hdr := 2
		switch n {
		case 126:
			if len(data) < 4 {
				break
			}
			n, hdr = int(binary.BigEndian.Uint16(data[2:])), 4
		case 127:
			if len(data) < 10 {
				break
			}
			n, hdr = int(binary.BigEndian.Uint64(data[2:])), 10
		}
		if (n >= 126 && hdr == 2) || len(data) < hdr+n {
			break // the rest of the frame is still on its way
		}
		payload := data[hdr : hdr+n]
		data = data[hdr+n:]
		switch op {
		case 0x8: // close
			code := 1005
			if len(payload) >= 2 {
				code = int(binary.BigEndian.Uint16(payload))
			}
			_ = fanWriteAll(c.fd, fanMaskedFrame(0x8, payload[:min(len(payload), 2)]))
			l.drop(c, code)
			return
		case 0x9: // ping
			_ = fanWriteAll(c.fd, fanMaskedFrame(0xA, payload))
		case 0xA: // pong
		default:
			if !fin || op == 0 {
				c.frag = append(c.frag, payload...)
				if !fin {
					continue
				}
				payload, c.frag = c.frag, nil
			}
			// the peer sends several messages in one frame, a line each
			for len(payload) > 0 {
				line, rest, _ := bytes.Cut(payload, fanNewline)
				l.message(c, line, now)
				payload = rest
			}
		}
	}
	if len(data) > 0 {
		c.partial = bytes.Clone(data)
	}
}

var (
	fanNewline    = []byte("\n")
	fanPeerPing   = []byte("{}")
	fanSeqPrefix  = []byte(`{"seq":`)
	fanStampMark  = []byte(`fanout-t=`)
	fanResetField = []byte(`"type":"reset"`)
)

// message checks one event's place in the stream and its latency.
func (l *fanLoop) message(c *fanClient, msg []byte, now int64) {
	if bytes.Equal(msg, fanPeerPing) {
		// the peer's ping: its protocol wants an empty message back
		_ = fanWriteAll(c.fd, fanMaskedFrame(0x1, fanPeerPing))
		return
	}
	seq, _ := fanNumberAfter(msg, fanSeqPrefix)
	if seq == 0 {
		if bytes.Contains(msg, fanResetField) {
			c.failed = true // its position is lost: the server closes it next
			l.ctr.resets.Add(1)
		}
		return
	}
	switch {
	case seq <= c.last:
		l.ctr.dups.Add(1)
		return
	case seq > c.last+1:
		l.ctr.gaps.Add(seq - c.last - 1)
	}
	c.last = seq
	l.ctr.delivered.Add(1)
	stamp, ok := fanNumberAfter(msg, fanStampMark)
	if !ok {
		return
	}
	c.stamp = stamp
	a := l.arrived[seq]
	if a == nil {
		a = &fanArrivals{stamp: stamp}
		l.arrived[seq] = a
	}
	us := int32(min((now-stamp)/1000, 1<<31-1))
	if c.stall {
		a.stalled = append(a.stalled, us)
	} else {
		a.reading = append(a.reading, us)
	}
}

// fanLatencies are a run's latencies, from commit to arrival.
type fanLatencies struct {
	first, second fanHist // clients that keep reading, by publish time
	stalled       fanHist // clients that stop reading, whenever they read
}

// latency adds the loop's arrivals to h, each counted from its event's
// commit: commitAfter[seq] is how long after the stamp the event was
// committed (0 if unknown); split is the stamp where the second half
// begins.
func (l *fanLoop) latency(h *fanLatencies, commitAfter map[int64]int64, split int64) {
	for seq, a := range l.arrived {
		off := commitAfter[seq] / 1000
		half := &h.first
		if a.stamp >= split {
			half = &h.second
		}
		for _, us := range a.reading {
			half.add(time.Duration(int64(us)-off) * time.Microsecond)
		}
		for _, us := range a.stalled {
			h.stalled.add(time.Duration(int64(us)-off) * time.Microsecond)
		}
	}
}

// fanNumberAfter parses the decimal number right after the first mark.
func fanNumberAfter(b, mark []byte) (int64, bool) {
	i := bytes.Index(b, mark)
	if i < 0 {
		return 0, false
	}
	var v int64
	ok := false
	for _, ch := range b[i+len(mark):] {
		if ch < '0' || ch > '9' {
			break
		}
		v, ok = v*10+int64(ch-'0'), true
	}
	return v, ok
}
