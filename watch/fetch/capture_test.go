package fetch_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/fetch"
)

func TestCaptureKeepsEveryHop(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page?x=1", http.StatusFound)
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "identity" {
			t.Errorf("Accept-Encoding = %q, want identity", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Type", "text/html")
		w.Header().Add("X-Two", "a")
		w.Header().Add("X-Two", "b")
		io.WriteString(w, "<p>hello</p>")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	c := newClient(t, fetch.Options{Allow: loopback, UserAgent: "capture/1"})
	got, err := c.Capture(context.Background(), srv.URL+"/start")
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	if len(got.Exchanges) != 2 {
		t.Fatalf("%d exchanges, want 2 (the redirect and the page)", len(got.Exchanges))
	}
	first, final := got.Exchanges[0], got.Final()
	if first.Status != http.StatusFound || first.ResponseHeader.Get("Location") != "/page?x=1" {
		t.Errorf("first hop = %d %v", first.Status, first.ResponseHeader)
	}
	if final.URL != srv.URL+"/page?x=1" || final.Status != 200 || string(final.Body) != "<p>hello</p>" {
		t.Errorf("final = %s %d %q", final.URL, final.Status, final.Body)
	}
	if final.RequestLine != "GET /page?x=1 HTTP/1.1" || final.StatusLine != "HTTP/1.1 200 OK" {
		t.Errorf("lines = %q / %q", final.RequestLine, final.StatusLine)
	}
	if final.RemoteIP() != "127.0.0.1" || final.TLS != nil {
		t.Errorf("remote %q tls %v", final.RemoteAddr, final.TLS)
	}
	req := string(final.RawRequest())
	for _, want := range []string{"GET /page?x=1 HTTP/1.1\r\n", "User-Agent: capture/1\r\n", "Host: " + strings.TrimPrefix(srv.URL, "http://") + "\r\n"} {
		if !strings.Contains(req, want) {
			t.Errorf("raw request %q lacks %q", req, want)
		}
	}
	resp := string(final.RawResponse())
	if !strings.HasPrefix(resp, "HTTP/1.1 200 OK\r\n") || !strings.Contains(resp, "X-Two: a\r\nX-Two: b\r\n") || !strings.HasSuffix(resp, "\r\n\r\n<p>hello</p>") {
		t.Errorf("raw response = %q", resp)
	}
}

func TestCaptureRecordsCertificateFingerprints(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	defer srv.Close()
	c := newClient(t, fetch.Options{Allow: loopback, UserAgent: "capture/1"})
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	c.Trust(pool)
	got, err := c.Capture(context.Background(), srv.URL)
	if err != nil {
		t.Fatalf("Capture: %v", err)
	}
	sum := sha256.Sum256(srv.Certificate().Raw)
	tl := got.Final().TLS
	if tl == nil || len(tl.CertSHA256) == 0 || tl.CertSHA256[0] != hex.EncodeToString(sum[:]) {
		t.Fatalf("TLS = %+v, want the server's certificate %x first", tl, sum)
	}
}

func TestCaptureRefusesPrivateAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Error("the guard let a capture reach a loopback server it does not allow")
	}))
	defer srv.Close()
	c := newClient(t, fetch.Options{UserAgent: "capture/1"}) // no allow-list
	_, err := c.Capture(context.Background(), srv.URL)
	if fetch.ClassOf(err) != fetch.ClassRefused {
		t.Fatalf("Capture of loopback: err = %v (class %q), want refused", err, fetch.ClassOf(err))
	}
	if err := c.Vet(context.Background(), "http://10.1.2.3/x"); fetch.ClassOf(err) != fetch.ClassRefused {
		t.Errorf("Vet(10.1.2.3) = %v, want refused", err)
	}
	if err := c.Vet(context.Background(), "file:///etc/passwd"); fetch.ClassOf(err) != fetch.ClassBadURL {
		t.Errorf("Vet(file:) = %v, want bad URL", err)
	}
}

func TestCaptureRefusesARedirectInwards(t *testing.T) {
	n := newTestNet(t)
	n.name("public.example", publicStandIn.String())
	n.name("inside.example", "192.168.1.10")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://inside.example/admin", http.StatusFound)
	}))
	defer srv.Close()
	c := newClientOn(t, n, fetch.Options{UserAgent: "capture/1"})
	_, port, _ := strings.Cut(strings.TrimPrefix(srv.URL, "http://"), ":")
	_, err := c.Capture(context.Background(), "http://public.example:"+port+"/")
	if fetch.ClassOf(err) != fetch.ClassRefused {
		t.Fatalf("redirect to a private address: err = %v, want refused", err)
	}
}

func TestCaptureKeepsTheBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(make([]byte, 4096))
	}))
	defer srv.Close()
	c := newClient(t, fetch.Options{Allow: loopback, UserAgent: "capture/1", MaxBody: 1024})
	if _, err := c.Capture(context.Background(), srv.URL); fetch.ClassOf(err) != fetch.ClassTooLarge {
		t.Fatalf("Capture of 4 KiB with a 1 KiB cap: err = %v, want too large", err)
	}
}

func TestCaptureFollowsNoMoreRedirectsThanAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"x", http.StatusFound)
	}))
	defer srv.Close()
	c := newClient(t, fetch.Options{Allow: loopback, UserAgent: "capture/1", MaxRedirects: 3})
	if _, err := c.Capture(context.Background(), srv.URL+"/"); fetch.ClassOf(err) != fetch.ClassRedirect {
		t.Fatalf("endless redirects: err = %v, want the redirect class", err)
	}
}
