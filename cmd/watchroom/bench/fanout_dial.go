//go:build linux

package bench

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// The load generator's clients are plain RFC 6455 clients on raw
// non-blocking sockets driven by a few epoll loops, not a goroutine and a
// gorilla connection each: the generator shares the machine with the
// server it measures, and a goroutine per client costs it about twice the
// CPU per delivery. The handshake is the browser's: GET /ws with the
// session cookie and the Origin header.

// fanTarget is where clients connect and as whom.
type fanTarget struct {
	Addr    netip.AddrPort
	Origin  string
	Epoch   string
	Cookies []string // one Cookie header per signed-in session
	// Peer: the server is the centrifuge peer: its endpoint, no session,
	// and its JSON protocol's connect command first (it subscribes the
	// connection to the board on the server's side).
	Peer bool
}

// fanPeerConnect is the peer protocol's connect command.
var fanPeerConnect = []byte(`{"id":1,"connect":{}}`)

// fanDialReq asks for a connection for c resuming after seq.
type fanDialReq struct {
	c     *fanClient
	after int64
}

// fanDialer makes connections off the loops, a few at a time.
type fanDialer struct {
	queue  chan fanDialReq
	target func() fanTarget
}

func newFanDialer(n int, target func() fanTarget) *fanDialer {
	return &fanDialer{queue: make(chan fanDialReq, n), target: target}
}

func (d *fanDialer) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case r := <-d.queue:
			t := d.target()
			fd, rest, err := fanDial(t, r.c, r.after)
			select {
			case r.c.loop.added <- fanDialed{c: r.c, fd: fd, rest: rest, err: err}:
			case <-ctx.Done():
				if err == nil {
					syscall.Close(fd)
				}
				return
			}
		}
	}
}

type fanDialed struct {
	c    *fanClient
	fd   int
	rest []byte // frames that came with the handshake response
	err  error
}

const fanIOTimeout = 10 * time.Second

// fanDial connects, sends the upgrade request with the client's session
// and returns the socket, non-blocking and no longer known to the Go
// runtime's poller, with any frames that came with the response. The
// handshake itself goes through the net package so no dial blocks a thread.
func fanDial(t fanTarget, c *fanClient, after int64) (int, []byte, error) {
	d := net.Dialer{Timeout: fanIOTimeout}
	if c.stall {
		// A client that will stop reading gets a small receive buffer, so
		// the server's writes block after a few events rather than after
		// the kernel's autotuned buffers have taken megabytes.
		d.Control = func(_, _ string, rc syscall.RawConn) error {
			return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		}
	}
	conn, err := d.Dial("tcp", t.Addr.String())
	if err != nil {
		return -1, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(fanIOTimeout))
	var keyRaw [16]byte
	_, _ = rand.Read(keyRaw[:])
	key := base64.StdEncoding.EncodeToString(keyRaw[:])
	path, cookie := fmt.Sprintf("/ws?board=all&after=%d&epoch=%s", after, t.Epoch), ""
	if t.Peer {
		path = "/connection/websocket"
	}
	if len(t.Cookies) > 0 {
		cookie = "Cookie: " + t.Cookies[c.id%len(t.Cookies)] + "\r\n"
	}
	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nOrigin: %s\r\n%s\r\n",
		path, t.Addr, key, t.Origin, cookie)
	if _, err := io.WriteString(conn, req); err != nil {
		return -1, nil, err
	}
	br := bufio.NewReaderSize(conn, 4096)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return -1, nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return -1, nil, fmt.Errorf("upgrade refused: %s", resp.Status)
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return -1, nil, errors.New("upgrade without the right accept key")
	}
	if t.Peer {
		if _, err := conn.Write(fanMaskedFrame(0x1, fanPeerConnect)); err != nil {
			return -1, nil, err
		}
	}
	rest, _ := br.Peek(br.Buffered())
	rest = bytes.Clone(rest)
	rc, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, nil, err
	}
	fd := -1
	if cerr := rc.Control(func(s uintptr) { fd, err = syscall.Dup(int(s)) }); cerr != nil {
		return -1, nil, cerr
	}
	if err != nil {
		return -1, nil, err
	}
	syscall.CloseOnExec(fd)
	// Closing conn (deferred) takes the socket out of the runtime's poller;
	// the duplicate keeps it open, non-blocking, for the loop's epoll.
	return fd, rest, nil
}

// fanWriteAll writes b to a non-blocking socket; a full socket is an error.
func fanWriteAll(fd int, b []byte) error {
	for len(b) > 0 {
		n, err := syscall.Write(fd, b)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// fanMaskedFrame is a masked client frame with a payload under 126 bytes.
func fanMaskedFrame(op byte, payload []byte) []byte {
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	b := append(make([]byte, 0, 6+len(payload)), 0x80|op, 0x80|byte(len(payload)))
	b = append(b, mask[:]...)
	for i, p := range payload {
		b = append(b, p^mask[i%4])
	}
	return b
}
