package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/fetch"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}

// newClient builds a client on a fresh tests' net (see testNet): no real
// DNS, no connection beyond loopback.
func newClient(t *testing.T, opts fetch.Options) *fetch.Client {
	t.Helper()
	return newClientOn(t, newTestNet(t), opts)
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestNewRequiresUserAgent(t *testing.T) {
	if _, err := fetch.New(fetch.Options{}); !errors.Is(err, fetch.ErrNoUserAgent) {
		t.Fatalf("New without UA: err = %v, want ErrNoUserAgent", err)
	}
	if _, err := fetch.New(fetch.Options{UserAgent: "x", Timeout: -1}); err == nil {
		t.Fatal("New with a negative timeout: want an error")
	}
}

func TestGetOK(t *testing.T) {
	const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>`
	var gotUA, gotAccept, gotAE string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAccept, gotAE = r.UserAgent(), r.Header.Get("Accept"), r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		io.WriteString(w, feed)
	}))
	defer srv.Close()

	c := newClient(t, fetch.Options{Allow: loopback, UserAgent: "polite/1"})
	resp, err := c.Get(context.Background(), fetch.Request{URL: srv.URL + "/feed"})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if resp.Status != 200 || string(resp.Body) != feed || resp.NotModified {
		t.Errorf("resp = %d %q notModified=%v", resp.Status, resp.Body, resp.NotModified)
	}
	if resp.ETag != `"v1"` || resp.LastModified != "Mon, 02 Jan 2006 15:04:05 GMT" {
		t.Errorf("validators = %q %q", resp.ETag, resp.LastModified)
	}
	if resp.ContentType != "application/rss+xml; charset=utf-8" || resp.FinalURL != srv.URL+"/feed" {
		t.Errorf("content type %q, final URL %q", resp.ContentType, resp.FinalURL)
	}
	if gotUA != "polite/1" || !strings.Contains(gotAccept, "application/rss+xml") || gotAE != "gzip" {
		t.Errorf("request headers UA=%q Accept=%q Accept-Encoding=%q", gotUA, gotAccept, gotAE)
	}
}

func TestGetGzip(t *testing.T) {
	plain := bytes.Repeat([]byte("<item>hello</item>"), 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipped(t, plain))
	}))
	defer srv.Close()

	c := newClient(t, fetch.Options{Allow: loopback})
	resp, err := c.Get(context.Background(), fetch.Request{URL: srv.URL})
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(resp.Body, plain) {
		t.Errorf("body: got %d bytes, want the %d decompressed bytes", len(resp.Body), len(plain))
	}
}

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `"abc"`, "Tue, 10 Mar 2026 08:00:00 GMT"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/etag" && r.Header.Get("If-None-Match") == etag:
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
		case r.URL.Path == "/lastmod" && r.Header.Get("If-Modified-Since") == lastMod:
			// No validators on this 304: the client must keep the old ones.
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", etag)
			w.Header().Set("Last-Modified", lastMod)
			io.WriteString(w, "fresh")
		}
	}))
	defer srv.Close()
	c := newClient(t, fetch.Options{Allow: loopback})

	tests := []struct {
		name string
		req  fetch.Request
	}{
		{"etag", fetch.Request{URL: srv.URL + "/etag", ETag: etag}},
		{"last-modified", fetch.Request{URL: srv.URL + "/lastmod", LastModified: lastMod}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := c.Get(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !resp.NotModified || resp.Status != 304 || len(resp.Body) != 0 {
				t.Fatalf("resp = %d notModified=%v body=%q, want 304", resp.Status, resp.NotModified, resp.Body)
			}
			if resp.ETag != tt.req.ETag && resp.ETag != etag {
				t.Errorf("ETag = %q", resp.ETag)
			}
			if resp.LastModified != tt.req.LastModified {
				t.Errorf("LastModified = %q, want %q", resp.LastModified, tt.req.LastModified)
			}
		})
	}
}

func TestGetFailures(t *testing.T) {
	const maxBody = 64 << 10
	// 64 gzip members of 1 MiB of zeros each: a 64 MiB body in about 64 KiB,
	// built without compressing 64 MiB on every run.
	bomb := bytes.Repeat(gzipped(t, make([]byte, 1<<20)), 64)
	mux := http.NewServeMux()
	mux.HandleFunc("/404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	mux.HandleFunc("/429", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	mux.HandleFunc("/503", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "Wed, 11 Mar 2026 10:05:00 GMT")
		http.Error(w, "later", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, maxBody+1)) // sent with a Content-Length
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for range 100 {
			w.Write(make([]byte, 1<<10))
			w.(http.Flusher).Flush() // no Content-Length: the cap must bite while reading
		}
	})
	mux.HandleFunc("/exact", func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, maxBody)) })
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	mux.HandleFunc("/corrupt-gzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "this is not gzip at all")
	})
	mux.HandleFunc("/brotli", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		io.WriteString(w, "xx")
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/hang-body", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<rss>")
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/no-location", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusFound) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	now := func() time.Time { return time.Date(2026, 3, 11, 10, 0, 0, 0, time.UTC) }
	c := newClient(t, fetch.Options{Allow: loopback, MaxBody: maxBody, Timeout: 300 * time.Millisecond, Now: now})

	tests := []struct {
		path       string
		class      fetch.Class
		status     int
		retryAfter time.Duration
	}{
		{"/404", fetch.ClassHTTP4xx, 404, 0},
		{"/500", fetch.ClassHTTP5xx, 500, 0},
		{"/429", fetch.ClassRateLimited, 429, 2 * time.Minute},
		{"/503", fetch.ClassHTTP5xx, 503, 5 * time.Minute},
		{"/big", fetch.ClassTooLarge, 200, 0},
		{"/big-chunked", fetch.ClassTooLarge, 200, 0},
		{"/bomb", fetch.ClassTooLarge, 200, 0},
		{"/corrupt-gzip", fetch.ClassUnparseable, 200, 0},
		{"/brotli", fetch.ClassUnparseable, 200, 0},
		{"/hang", fetch.ClassTimeout, 0, 0},
		{"/hang-body", fetch.ClassTimeout, 0, 0},
		{"/no-location", fetch.ClassRedirect, 302, 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			// a client of its own: a 429 closes the host to the client that got it
			c := newClient(t, fetch.Options{Allow: loopback, MaxBody: maxBody, Timeout: 300 * time.Millisecond, Now: now})
			resp, err := c.Get(context.Background(), fetch.Request{URL: srv.URL + tt.path})
			if err == nil {
				t.Fatalf("Get: got %d with %d bytes, want a %s error", resp.Status, len(resp.Body), tt.class)
			}
			if got := fetch.ClassOf(err); got != tt.class {
				t.Fatalf("class = %q, want %q (err: %v)", got, tt.class, err)
			}
			var fe *fetch.Error
			errors.As(err, &fe)
			if fe.Status != tt.status || fe.RetryAfter != tt.retryAfter {
				t.Errorf("status %d retry-after %s, want %d %s", fe.Status, fe.RetryAfter, tt.status, tt.retryAfter)
			}
			if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
				t.Errorf("Error() = %q, want one non-empty line", msg)
			}
		})
	}

	t.Run("exactly the cap", func(t *testing.T) {
		resp, err := c.Get(context.Background(), fetch.Request{URL: srv.URL + "/exact"})
		if err != nil || len(resp.Body) != maxBody {
			t.Fatalf("Get: err %v, want %d bytes", err, maxBody)
		}
	})
}

func TestCallerCancellationIsNotAFailureClass(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := newClient(t, fetch.Options{Allow: loopback})

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := c.Get(ctx, fetch.Request{URL: srv.URL})
	if !errors.Is(err, context.Canceled) || fetch.ClassOf(err) != "" {
		t.Fatalf("err = %v (class %q), want context.Canceled with no class", err, fetch.ClassOf(err))
	}
}

func TestGuard(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "secret")
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	strict := newClient(t, fetch.Options{})
	tests := []struct {
		name string
		url  string
	}{
		{"loopback literal", srv.URL},
		// A name is only resolved at dial time: this proves the check runs there.
		{"loopback by name", "http://localhost:" + port + "/"},
		{"IPv4-mapped loopback", "http://[::ffff:127.0.0.1]:" + port + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := strict.Get(context.Background(), fetch.Request{URL: tt.url})
			if fetch.ClassOf(err) != fetch.ClassRefused {
				t.Fatalf("err = %v, want class refused", err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server was reached %d times despite the guard", n)
	}
}

func TestRedirects(t *testing.T) {
	refusedPort := ""
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			io.WriteString(w, "arrived")
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/to-internal", func(w http.ResponseWriter, r *http.Request) {
		// 127.0.0.2 is loopback but outside the allowed 127.0.0.1/32.
		http.Redirect(w, r, "http://127.0.0.2:"+refusedPort+"/", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	_, refusedPort, _ = net.SplitHostPort(srv.Listener.Addr().String())

	c := newClient(t, fetch.Options{Allow: loopback, MaxRedirects: 3})
	none := newClient(t, fetch.Options{Allow: loopback, MaxRedirects: -1})
	tests := []struct {
		name   string
		client *fetch.Client
		path   string
		class  fetch.Class // "" means success
	}{
		{"within the limit", c, "/hop/3", ""},
		{"too many", c, "/hop/4", fetch.ClassRedirect},
		{"none allowed", none, "/hop/1", fetch.ClassRedirect},
		{"to a refused address", c, "/to-internal", fetch.ClassRefused},
		{"to a non-HTTP scheme", c, "/to-file", fetch.ClassRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.client.Get(context.Background(), fetch.Request{URL: srv.URL + tt.path})
			if got := fetch.ClassOf(err); got != tt.class {
				t.Fatalf("class = %q, want %q (err: %v)", got, tt.class, err)
			}
			if tt.class == "" && (string(resp.Body) != "arrived" || resp.FinalURL != srv.URL+"/hop/0") {
				t.Errorf("body %q final URL %q", resp.Body, resp.FinalURL)
			}
		})
	}
}

func TestBadURL(t *testing.T) {
	c := newClient(t, fetch.Options{Allow: loopback})
	for _, u := range []string{
		"ftp://example.org/feed",
		"file:///etc/passwd",
		"gopher://example.org/",
		"javascript:alert(1)",
		"/relative/feed.xml",
		"http://",
		"http://exa mple.org/",
		"https://example.org/" + strings.Repeat("a", 9000),
	} {
		t.Run(u[:min(len(u), 30)], func(t *testing.T) {
			_, err := c.Get(context.Background(), fetch.Request{URL: u})
			if fetch.ClassOf(err) != fetch.ClassBadURL {
				t.Fatalf("err = %v, want class bad_url", err)
			}
		})
	}
}

func TestConnectAndTLSFailures(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close() // nothing listens there any more

	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()

	c := newClient(t, fetch.Options{Allow: loopback})
	tests := []struct {
		name  string
		url   string
		class fetch.Class
	}{
		{"connection refused", closedURL, fetch.ClassConnect},
		{"untrusted certificate", tlsSrv.URL, fetch.ClassTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Get(context.Background(), fetch.Request{URL: tt.url})
			if fetch.ClassOf(err) != tt.class {
				t.Fatalf("err = %v, want class %s", err, tt.class)
			}
		})
	}
}
