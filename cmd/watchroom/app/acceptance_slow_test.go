package app

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Acceptance: slow clients. A client that sends a request's head or body
// a byte at a time, or keeps a connection idle, is cut at the configured
// timeouts; a peer holding its cap of connections gets no more; a board's
// websocket outlives every one of these deadlines.

const slowConfig = `
server:
  data_dir: %q
  read_timeout: 200ms
  idle_timeout: 200ms
  max_conns_per_addr: %d
`

// cutWithin asserts the server closes c, reading whatever it answers
// first, well before the test's own bound (the server's default timeouts
// are tens of seconds, so a cut inside the bound is the configured one's).
func cutWithin(t *testing.T, c net.Conn, bound time.Duration) {
	t.Helper()
	start := time.Now()
	_ = c.SetReadDeadline(start.Add(bound))
	_, err := io.Copy(io.Discard, c) // returns at EOF or reset: the server closed it
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("the server kept the connection open for %v", bound)
	}
	if took := time.Since(start); took >= bound {
		t.Fatalf("cut after %v", took)
	}
}

func dialRaw(t *testing.T, base, local string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestAcceptanceSlowClientsAreCut(t *testing.T) {
	a, base, _ := startAppYAML(t, fmt.Sprintf(slowConfig, tempDataDir(t), 0), "127.0.0.1:0")
	addUser(t, a, "ann", watch.RoleOfficer)
	addUser(t, a, "bob", watch.RoleOfficer)

	// a board open before the slow clients, and still live after them
	annWeb := signInHTTP(t, base, "ann")
	ws, _, err := annWeb.DialBoard("board=all", base)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()

	t.Run("slow body", func(t *testing.T) {
		c := dialRaw(t, base, "")
		fmt.Fprintf(c, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nu")
		cutWithin(t, c, 5*time.Second)
	})
	t.Run("slow head", func(t *testing.T) {
		c := dialRaw(t, base, "")
		fmt.Fprintf(c, "GET /login HTTP/1.1\r\nHo")
		cutWithin(t, c, 5*time.Second)
	})
	t.Run("nothing sent", func(t *testing.T) {
		cutWithin(t, dialRaw(t, base, ""), 5*time.Second)
	})
	t.Run("idle after a request", func(t *testing.T) {
		c := dialRaw(t, base, "")
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		r, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || r.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %v %v", r, err)
		}
		r.Body.Close()
		cutWithin(t, c, 5*time.Second)
	})

	// The board's websocket has outlived every deadline above: a second
	// person opening the board reaches it as presence.
	bobWeb := signInHTTP(t, base, "bob")
	ws2, _, err := bobWeb.DialBoard("board=all", base)
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("the board's websocket was cut: %v", err)
		}
		var m struct{ Type string }
		_ = json.Unmarshal(msg, &m)
		if m.Type == "presence" && strings.Contains(string(msg), `"bob"`) {
			break
		}
	}
}

func TestAcceptanceConnectionCapPerPeer(t *testing.T) {
	cfg := fmt.Sprintf(slowConfig, tempDataDir(t), 3)
	cfg = strings.Replace(cfg, "read_timeout: 200ms", "read_timeout: 30s", 1) // held connections must stay open
	_, base, _ := startAppYAML(t, cfg, "127.0.0.1:0")
	held := []net.Conn{dialRaw(t, base, "127.0.0.1"), dialRaw(t, base, "127.0.0.1"), dialRaw(t, base, "127.0.0.1")}
	// a fourth from the same peer is closed at once
	cutWithin(t, dialRaw(t, base, "127.0.0.1"), 5*time.Second)
	// another peer is not held to this one's cap
	if code := rawGet(dialRaw(t, base, "127.0.0.2")); code != http.StatusOK {
		t.Fatalf("another peer: HTTP %d", code)
	}
	// a place given back is taken again
	held[0].Close()
	watchtest.WaitFor(t, "a place given back", 5*time.Second, func() bool {
		c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
		if err != nil {
			return false
		}
		defer c.Close()
		return rawGet(c) == http.StatusOK
	})
}

// rawGet asks for /healthz on c and returns the status, 0 when the
// connection was closed instead.
func rawGet(c net.Conn) int {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return 0
	}
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	r.Body.Close()
	return r.StatusCode
}
