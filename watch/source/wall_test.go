package source_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/source"
)

// A 200 whose body is a sign-in form or a human check, where a feed or an
// API answer was expected, is blocked (a person must act), not unparseable;
// a page that is neither stays unparseable.
func TestPollerWallsAreBlocked(t *testing.T) {
	pages := map[string]string{
		"/signin": `<!DOCTYPE html><html><head><title>Log in</title></head><body>
			<form action="/session" method="post"><input name="user"><input TYPE="Password" name="pw"><button>Sign in</button></form></body></html>`,
		"/human": `<!DOCTYPE html><html><head><title>One more step</title></head><body>
			<h1>Please verify you are a human</h1><p>Press and hold the button.</p></body></html>`,
		"/plain": `<!DOCTYPE html><html><body><p>Our new website is coming soon.</p></body></html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, pages[r.URL.Path])
	}))
	defer srv.Close()
	p := testPoller(t)
	for _, c := range []struct {
		path, kind string
		class      fetch.Class
		says       string
	}{
		{"/signin", source.KindFeed, fetch.ClassBlocked, "a sign-in form instead of the feed"},
		{"/signin", source.KindMastodon, fetch.ClassBlocked, "a sign-in form instead of the mastodon"},
		{"/human", source.KindFeed, fetch.ClassBlocked, "human check"},
		{"/human", source.KindReddit, fetch.ClassBlocked, "human check"},
		{"/plain", source.KindFeed, fetch.ClassUnparseable, "cannot parse the feed"},
	} {
		_, err := p.Poll(context.Background(), watch.Source{ID: "src", Kind: c.kind, URL: srv.URL + c.path}, watch.SourceHealth{})
		if fetch.ClassOf(err) != c.class || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s as %s: %v, want class %s saying %q", c.path, c.kind, err, c.class, c.says)
		}
		if c.class == fetch.ClassBlocked && !strings.Contains(err.Error(), "open the source's URL in a browser") {
			t.Errorf("%s as %s: %v does not say what to do", c.path, c.kind, err)
		}
	}
}
