package bench

import (
	"context"
	"fmt"
	"html"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pollServer serves the benchmark's sources on loopback: one RSS feed per
// source built from corpus items, each on its own path and spread over
// many host names. An unchanged source answers a conditional GET with 304;
// a changed one has a new item at every poll.
type pollServer struct {
	srv   *http.Server
	ln    net.Listener
	port  string
	feeds []*benchFeed
	// conn-level bytes written: what conditional polling really costs
	wrote atomic.Int64
	// what the 304s would have cost as full answers
	saved atomic.Int64
	polls atomic.Int64
	not   atomic.Int64

	mu       sync.Mutex
	inFlight map[string]int
	most     int
}

type benchFeed struct {
	host, path string
	unchanged  bool
	head       string // channel head
	items      []string
	mu         sync.Mutex
	version    int
	body       []byte
}

func (f *benchFeed) etag() string { return `"v` + strconv.Itoa(f.version) + `"` }

// render rebuilds the body for the current version.
func (f *benchFeed) render() {
	var b strings.Builder
	b.WriteString(f.head)
	if !f.unchanged && f.version > 0 {
		fmt.Fprintf(&b, "<item><guid>%s-new-%d</guid><title>Update %d</title><description>Posted since the last poll.</description></item>",
			f.path[1:], f.version, f.version)
	}
	for _, it := range f.items {
		b.WriteString(it)
	}
	b.WriteString("</channel></rss>")
	f.body = []byte(b.String())
}

func newPollServer(n, hosts, perFeed int, unchangedShare float64, docs []benchDoc) (*pollServer, error) {
	ps := &pollServer{inFlight: map[string]int{}}
	cut := func(s string, max int) string {
		if len(s) <= max {
			return s
		}
		for max > 0 && !utf8Start(s[max]) {
			max--
		}
		return s[:max]
	}
	d := 0
	for i := range n {
		f := &benchFeed{host: fmt.Sprintf("h%04d.bench.test", i%hosts), path: fmt.Sprintf("/feed/%d", i),
			// spread evenly: any N gets its share, 3 of every 5 at 60%
			unchanged: math.Floor(float64(i+1)*unchangedShare) > math.Floor(float64(i)*unchangedShare)}
		f.head = fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Source %d</title><link>http://%s/</link>`, i, f.host)
		for j := range perFeed {
			doc := docs[d%len(docs)]
			d++
			f.items = append(f.items, fmt.Sprintf(`<item><guid>s%d-i%d</guid><title>%s</title><link>http://%s/post/%d</link><description>%s</description><pubDate>Sat, 28 Nov 2026 10:00:00 +0000</pubDate></item>`,
				i, j, html.EscapeString(cut(doc.Title, 200)), f.host, j, html.EscapeString(cut(doc.Text, 1500))))
		}
		f.render()
		ps.feeds = append(ps.feeds, f)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ps.ln = countingListener{Listener: ln, n: &ps.wrote}
	_, ps.port, _ = net.SplitHostPort(ln.Addr().String())
	ps.srv = &http.Server{Handler: http.HandlerFunc(ps.serve), ReadHeaderTimeout: 10 * time.Second}
	go ps.srv.Serve(ps.ln)
	return ps, nil
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func (ps *pollServer) url(i int) string {
	f := ps.feeds[i]
	return "http://" + net.JoinHostPort(f.host, ps.port) + f.path
}

func (ps *pollServer) serve(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.Host)
	ps.mu.Lock()
	ps.inFlight[host]++
	ps.most = max(ps.most, ps.inFlight[host])
	ps.mu.Unlock()
	defer func() { ps.mu.Lock(); ps.inFlight[host]--; ps.mu.Unlock() }()

	i, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/feed/"))
	if err != nil || i < 0 || i >= len(ps.feeds) {
		http.NotFound(w, r)
		return
	}
	f := ps.feeds[i]
	ps.polls.Add(1)
	f.mu.Lock()
	if !f.unchanged && r.Header.Get("If-None-Match") != "" {
		f.version++ // something new since the last poll
		f.render()
	}
	body, etag := f.body, f.etag()
	f.mu.Unlock()
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		ps.not.Add(1)
		ps.saved.Add(int64(len(body)) + int64(len("Content-Type: application/rss+xml\r\nContent-Length: 00000\r\n")))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func (ps *pollServer) maxPerHost() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return ps.most
}

// reset forgets what was counted so far.
func (ps *pollServer) reset() {
	ps.wrote.Store(0)
	ps.saved.Store(0)
	ps.polls.Store(0)
	ps.not.Store(0)
	ps.mu.Lock()
	ps.most = 0
	ps.mu.Unlock()
}

func (ps *pollServer) close() { ps.srv.Close() }

// countingListener counts the bytes its connections write.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: c, n: l.n}, nil
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// loopbackResolver resolves every name to 127.0.0.1, so that thousands of
// host names reach one loopback server and no real DNS is asked.
type loopbackResolver struct{}

func (loopbackResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}
