package source

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/watchroom/watchroom/watch/fetch"
)

// wallScan bounds how much of a page is read for a sign-in form.
const wallScan = 256 << 10

// wall names what stands between the console and the content when a body
// that should have been a feed or an API answer could not be parsed: a
// human check or an anti-bot page, or a sign-in form. "" when it is
// neither, and the body is merely unparseable.
func wall(body []byte) string {
	if v := fetch.Challenge(body); v != "" {
		return "a " + v + " page"
	}
	if signInForm(body[:min(len(body), wallScan)]) {
		return "a sign-in form"
	}
	return ""
}

// signInForm reports whether an HTML page has a password field.
func signInForm(body []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) != "input" {
				continue
			}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "type" && strings.EqualFold(strings.TrimSpace(string(v)), "password") {
					return true
				}
			}
		}
	}
}

// wallError is the failure of a poll whose answer was a wall: blocked, with
// what a person must do, which the source's health shows.
func wallError(what, kind string, resp *fetch.Response, cause error) *fetch.Error {
	host := resp.FinalURL
	if u, err := url.Parse(resp.FinalURL); err == nil && u.Host != "" {
		host = u.Host
	}
	return &fetch.Error{Class: fetch.ClassBlocked, Status: resp.Status, Err: cause,
		Msg: fmt.Sprintf("%s answered %d with %s instead of the %s: open the source's URL in a browser; it may need another URL, or an account the console does not have",
			host, resp.Status, what, kind)}
}
