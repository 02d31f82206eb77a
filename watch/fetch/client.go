// Package fetch is watchroom's only way out to the internet: polite,
// conditional GETs with timeouts, a body cap that holds after decompression,
// a per-host concurrency cap and rate limit, classified errors and a guard
// that refuses private and special-purpose addresses at dial time. Backoff
// and Jitter are the matching pacing rules for whoever schedules the Gets.
package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Accept lists what a feed poller can use, feeds first.
const acceptFeeds = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"

// maxURL bounds a requested URL; longer ones are almost surely garbage.
const maxURL = 8 << 10

// Client fetches public URLs. It is safe for concurrent use.
type Client struct {
	opts  Options
	hc    *http.Client
	tr    *http.Transport
	dial  *dialer
	hosts *hostGate
	waits hostWaits
}

// Request is one conditional GET. ETag and LastModified are the validators
// from the previous successful response, if any.
type Request struct {
	URL, ETag, LastModified string
}

// Response is a successful fetch. On 304 NotModified is true, Body is empty
// and the validators are those to keep for the next request.
type Response struct {
	Status       int
	Body         []byte
	ETag         string
	LastModified string
	ContentType  string
	FinalURL     string // after redirects
	NotModified  bool
}

// New builds a Client from opts.
func New(opts Options) (*Client, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	g := guard{allow: opts.Allow}
	netDialer := &net.Dialer{
		Timeout:   opts.ConnectTimeout,
		KeepAlive: 30 * time.Second,
		Control:   g.control,
	}
	d := &dialer{guard: g, resolver: opts.Resolver, connect: netDialer.DialContext}
	tr := &http.Transport{
		// No proxy: with one, the guard would vet the proxy's address, not the target's.
		Proxy:                  nil,
		DialContext:            d.dial,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    opts.ConnectTimeout,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           64,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		// Decompression is done here, so that the body cap counts decompressed bytes.
		DisableCompression: true,
	}
	c := &Client{opts: opts, tr: tr, dial: d,
		hosts: newHostGate(HostLimit{Concurrency: opts.PerHostConcurrency, Rate: opts.PerHostRate, Burst: opts.PerHostBurst}, opts.Hosts)}
	c.hc = &http.Client{Transport: tr, CheckRedirect: c.checkRedirect}
	return c, nil
}

// Stats reports the per-host gate: how many Gets run and wait, and the
// most that ever ran at once against one host.
func (c *Client) Stats() Stats { return c.hosts.snapshot() }

// CloseIdleConnections closes kept-alive connections nobody is using, for a
// clean shutdown.
func (c *Client) CloseIdleConnections() { c.tr.CloseIdleConnections() }

// Get fetches r.URL. It first waits, as long as ctx allows, for a turn at
// the URL's host (concurrency cap and rate limit); Options.Timeout runs from
// then on and covers redirects and the whole body. Every failure is an
// *Error (see ClassOf) except cancellation or expiry of ctx itself, which
// wraps ctx's error.
func (c *Client) Get(ctx context.Context, r Request) (*Response, error) {
	u, err := parseURL(r.URL)
	if err != nil {
		return nil, err
	}
	if e := c.waits.check(hostKey(u), c.opts.Now()); e != nil {
		return nil, e
	}
	release, err := c.hosts.acquire(ctx, hostKey(u))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: waiting for a turn at the host: %w", u.Host, err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Class: ClassBadURL, Msg: "unusable URL", Err: err}
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", acceptFeeds)
	req.Header.Set("Accept-Encoding", "gzip")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.classify(ctx, u.Host, err)
	}
	defer resp.Body.Close()

	out := &Response{
		Status:       resp.StatusCode,
		ETag:         header(resp.Header, "ETag", maxValidator),
		LastModified: header(resp.Header, "Last-Modified", maxValidator),
		ContentType:  header(resp.Header, "Content-Type", maxValidator),
		FinalURL:     resp.Request.URL.String(),
	}
	host := resp.Request.URL.Host
	switch code := resp.StatusCode; {
	case code == http.StatusNotModified:
		// Some servers omit the validators on 304; the old ones still hold.
		if out.ETag == "" {
			out.ETag = r.ETag
		}
		if out.LastModified == "" {
			out.LastModified = r.LastModified
		}
		out.NotModified = true
		return out, nil
	case code >= 200 && code < 300:
		if vendor := challengeHeader(resp.Header); vendor != "" {
			return nil, &Error{Class: ClassBlocked, Status: code,
				Msg: fmt.Sprintf("%s answered %s with an anti-bot page (%s)", host, statusText(code), vendor)}
		}
		body, err := readBody(resp, c.opts.MaxBody)
		if err != nil {
			var fe *Error
			if errors.As(err, &fe) {
				return nil, err
			}
			return nil, c.classify(ctx, host, err)
		}
		out.Body = body
		return out, nil
	default:
		e := c.statusError(resp)
		c.waits.note(hostKey(resp.Request.URL), e, c.opts.Now())
		return nil, e
	}
}

// maxValidator bounds the response headers that callers keep and store.
const maxValidator = 1 << 10

// header returns a response header, or "" when it is longer than max.
func header(h http.Header, key string, max int) string {
	v := strings.TrimSpace(h.Get(key))
	if len(v) > max {
		return ""
	}
	return v
}

func parseURL(raw string) (*url.URL, error) {
	if len(raw) > maxURL {
		return nil, &Error{Class: ClassBadURL, Msg: fmt.Sprintf("URL longer than %d bytes", maxURL)}
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, &Error{Class: ClassBadURL, Msg: "unparseable URL", Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{Class: ClassBadURL, Msg: fmt.Sprintf("URL scheme %q is not http or https", u.Scheme)}
	}
	if u.Hostname() == "" {
		return nil, &Error{Class: ClassBadURL, Msg: "URL has no host"}
	}
	return u, nil
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.opts.MaxRedirects {
		return &Error{Class: ClassRedirect, Msg: fmt.Sprintf("more than %d redirects", c.opts.MaxRedirects)}
	}
	// The dialer vets the address of every hop; the scheme is vetted here.
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused redirect to a %q URL", s)}
	}
	// A hop is one more request to its host, so it waits for that host's
	// rate limit; the slot stays with the host the Get started at.
	ctx := req.Context()
	if err := c.hosts.wait(ctx, hostKey(req.URL)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &Error{Class: ClassTimeout,
			Msg: fmt.Sprintf("the redirect to %s would wait for its rate limit past the timeout", req.URL.Host), Err: err}
	}
	return nil
}
