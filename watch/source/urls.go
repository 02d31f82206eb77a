package source

import (
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxURL is the longest item URL kept; longer ones are dropped, not cut,
// since a cut URL points somewhere else.
const maxURL = 2048

// baseURL parses the feed's own URL for resolving relative links; nil when
// it is not an absolute http(s) URL.
func baseURL(raw string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !isWebURL(u) {
		return nil
	}
	return u
}

// absURL resolves raw against base and returns it when the result is an
// http or https URL of at most maxURL bytes, else "". Other schemes
// (javascript:, data:, file:) never reach a board as links.
func absURL(raw string, base *url.URL) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxURL || !utf8.ValidString(raw) {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if !isWebURL(u) {
		return ""
	}
	s := u.String()
	if len(s) > maxURL {
		return ""
	}
	return s
}

func isWebURL(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != ""
}

// canonicalURL is the identity form of an absolute URL: scheme and host in
// lower case, default port and fragment dropped, an empty path made "/".
func canonicalURL(abs string) string {
	u, err := url.Parse(abs)
	if err != nil {
		return abs
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := u.Hostname(), u.Port()
	if port == "" || (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	host = strings.ToLower(host)
	if port != "" {
		u.Host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	} else {
		u.Host = host
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.RawPath == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u.String()
}
