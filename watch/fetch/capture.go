package fetch

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Exchange is one HTTP request as it was sent and the response as it was
// received, for evidence: nothing in it is normalised.
type Exchange struct {
	URL     string    // requested
	Started time.Time // by the client's clock, when the request was sent
	// RequestLine is the request line as an HTTP/1.1 message has it
	// ("GET /path?q HTTP/1.1"); Proto says what the wire really spoke.
	RequestLine string
	// RequestHeader holds the header fields written to the wire, in order
	// (pseudo-headers such as ":authority" too when the wire spoke HTTP/2).
	RequestHeader [][2]string
	Proto         string // "HTTP/1.1", "HTTP/2.0"
	Status        int
	StatusLine    string // "HTTP/1.1 200 OK"
	// ResponseHeader is the response's header. Go removes the transfer
	// coding (chunked) before the body is read: Body is the payload as
	// sent otherwise, its content coding (gzip...) kept.
	ResponseHeader http.Header
	Body           []byte
	RemoteAddr     string   // the address connected to, "ip:port"
	TLS            *TLSInfo // nil over plain HTTP
}

// TLSInfo is what the TLS handshake of an exchange showed.
type TLSInfo struct {
	Version     string
	CipherSuite string
	ServerName  string
	// CertSHA256 are the SHA-256 fingerprints (hex) of the certificates the
	// server presented, its own first.
	CertSHA256 []string
}

// RemoteIP is the address part of RemoteAddr.
func (e Exchange) RemoteIP() string {
	host, _, err := net.SplitHostPort(e.RemoteAddr)
	if err != nil {
		return e.RemoteAddr
	}
	return host
}

// RawRequest is the request as an HTTP/1.1 message: request line, the
// header fields sent, a blank line (a capture sends no body).
func (e Exchange) RawRequest() []byte {
	var b strings.Builder
	b.WriteString(e.RequestLine + "\r\n")
	for _, kv := range e.RequestHeader {
		switch {
		case kv[0] == ":authority":
			b.WriteString("Host: " + kv[1] + "\r\n") // what HTTP/1.1 calls it
		case strings.HasPrefix(kv[0], ":"):
			continue // the other HTTP/2 pseudo-headers are in the request line
		default:
			b.WriteString(kv[0] + ": " + kv[1] + "\r\n")
		}
	}
	b.WriteString("\r\n")
	return []byte(b.String())
}

// RawResponse is the response as an HTTP/1.1 message: status line, header
// fields (sorted by name, each value in received order), blank line, body.
func (e Exchange) RawResponse() []byte {
	var b strings.Builder
	b.WriteString(e.StatusLine + "\r\n")
	keys := make([]string, 0, len(e.ResponseHeader))
	for k := range e.ResponseHeader {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range e.ResponseHeader[k] {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	b.WriteString("\r\n")
	b.Write(e.Body)
	return []byte(b.String())
}

// Captured is the whole of one capture: every hop, the last one final.
type Captured struct {
	Exchanges []Exchange
}

// Final is the last exchange, the one redirects led to.
func (c *Captured) Final() Exchange { return c.Exchanges[len(c.Exchanges)-1] }

// Capture fetches rawURL once for evidence, under the same guard, caps,
// timeouts and per-host gate as Get, and keeps everything: each redirect
// hop is its own exchange (followed by hand, up to MaxRedirects), with the
// header fields written, the address connected to and the TLS certificate
// fingerprints. Any status is a capture (a 404 is evidence of absence); a
// body over MaxBody is refused as for Get. It asks for no content coding,
// so what is kept is what the server sent for the page, byte for byte.
func (c *Client) Capture(ctx context.Context, rawURL string) (*Captured, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	release, err := c.hosts.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, fmt.Errorf("capture %s: waiting for a turn at the host: %w", u.Host, err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()

	hc := &http.Client{Transport: c.tr, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	out := &Captured{}
	for hop := 0; ; hop++ {
		if hop > 0 {
			if err := c.hosts.wait(ctx, hostKey(u)); err != nil {
				if ctx.Err() != nil {
					return nil, c.classify(ctx, u.Host, ctx.Err())
				}
				return nil, &Error{Class: ClassTimeout,
					Msg: fmt.Sprintf("the redirect to %s would wait for its rate limit past the timeout", u.Host), Err: err}
			}
		}
		ex, next, err := c.exchange(ctx, hc, u)
		if err != nil {
			return nil, err
		}
		out.Exchanges = append(out.Exchanges, ex)
		if next == nil {
			return out, nil
		}
		if hop >= c.opts.MaxRedirects {
			return nil, &Error{Class: ClassRedirect, Msg: fmt.Sprintf("more than %d redirects", c.opts.MaxRedirects)}
		}
		if s := next.Scheme; s != "http" && s != "https" {
			return nil, &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused redirect to a %q URL", s)}
		}
		u = next
	}
}

// exchange makes one request and reads its response; next is where a
// redirect points, nil when this is the final response.
func (c *Client) exchange(ctx context.Context, hc *http.Client, u *url.URL) (Exchange, *url.URL, error) {
	ex := Exchange{URL: u.String(), Started: c.opts.Now().UTC(), RequestLine: "GET " + u.RequestURI() + " HTTP/1.1"}
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			mu.Lock()
			ex.RemoteAddr = info.Conn.RemoteAddr().String()
			mu.Unlock()
		},
		WroteHeaderField: func(key string, value []string) {
			mu.Lock()
			for _, v := range value {
				ex.RequestHeader = append(ex.RequestHeader, [2]string{key, v})
			}
			mu.Unlock()
		},
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, u.String(), nil)
	if err != nil {
		return ex, nil, &Error{Class: ClassBadURL, Msg: "unusable URL", Err: err}
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := hc.Do(req)
	if err != nil {
		return ex, nil, c.classify(ctx, u.Host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if int64(len(body)) > c.opts.MaxBody {
		return ex, nil, &Error{Class: ClassTooLarge, Status: resp.StatusCode,
			Msg: fmt.Sprintf("response from %s is larger than %s", u.Host, byteSize(c.opts.MaxBody))}
	}
	if err != nil {
		return ex, nil, c.classify(ctx, u.Host, err)
	}
	mu.Lock()
	defer mu.Unlock()
	ex.Proto = resp.Proto
	ex.Status = resp.StatusCode
	ex.StatusLine = "HTTP/1.1 " + resp.Status
	ex.ResponseHeader = resp.Header.Clone()
	ex.Body = body
	if resp.TLS != nil {
		ex.TLS = tlsInfo(resp.TLS)
	}
	if resp.StatusCode < 300 || resp.StatusCode > 399 || resp.StatusCode == http.StatusNotModified {
		return ex, nil, nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return ex, nil, nil // a 3xx without a target is a final answer
	}
	next, err := u.Parse(loc)
	if err != nil || len(next.String()) > maxURL {
		return ex, nil, &Error{Class: ClassRedirect, Msg: fmt.Sprintf("%s redirected to an unusable URL", u.Host), Err: err}
	}
	return ex, next, nil
}

func tlsInfo(st *tls.ConnectionState) *TLSInfo {
	info := &TLSInfo{Version: tls.VersionName(st.Version), CipherSuite: tls.CipherSuiteName(st.CipherSuite), ServerName: st.ServerName}
	for _, cert := range st.PeerCertificates {
		sum := sha256.Sum256(cert.Raw)
		info.CertSHA256 = append(info.CertSHA256, hex.EncodeToString(sum[:]))
	}
	return info
}

// Vet says whether rawURL may be fetched: an http or https URL whose host
// resolves (through the client's resolver) only to addresses the guard
// allows. Tools that make their own connections, such as a headless
// browser, ask it before each request; the answer is an *Error of class
// ClassRefused, ClassBadURL or ClassDNS, or nil.
func (c *Client) Vet(ctx context.Context, rawURL string) error {
	u, err := parseURL(rawURL)
	if err != nil {
		return err
	}
	host := u.Hostname()
	addrs, err := c.dial.resolve(ctx, "tcp", host)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if why := c.dial.guard.refusal(a); why != "" {
			target := a.String()
			if target != host {
				target = fmt.Sprintf("%s (%s)", host, a)
			}
			return &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused to connect to %s: %s", target, why)}
		}
	}
	return nil
}
