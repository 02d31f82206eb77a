package source_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/source"
)

// pageServer serves numbered pages of a listing and records what it was
// asked: a page per value of the query parameter param ("" for the first).
type pageServer struct {
	t      *testing.T
	param  string
	ctype  string
	pages  map[string]string // param value -> body
	etag   string            // the first page's
	failOn string            // a param value answered with 500

	mu       sync.Mutex
	requests []string // param values asked for, in order
	inm      []string // If-None-Match of each request
	queries  []url.Values
}

func (s *pageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query().Get(s.param)
	s.mu.Lock()
	s.requests = append(s.requests, v)
	s.inm = append(s.inm, r.Header.Get("If-None-Match"))
	s.queries = append(s.queries, r.URL.Query())
	s.mu.Unlock()
	if v == s.failOn && s.failOn != "" {
		http.Error(w, "storm", http.StatusInternalServerError)
		return
	}
	body, ok := s.pages[v]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if v == "" && s.etag != "" {
		if r.Header.Get("If-None-Match") == s.etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", s.etag)
	}
	w.Header().Set("Content-Type", s.ctype)
	fmt.Fprint(w, body)
}

func (s *pageServer) asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// start serves s on loopback and returns its base URL.
func (s *pageServer) start() string {
	srv := httptest.NewServer(s)
	s.t.Cleanup(srv.Close)
	return srv.URL
}

func testPoller(t *testing.T) *source.Poller {
	t.Helper()
	client, err := fetch.New(fetch.Options{UserAgent: "watchroom-test", Timeout: 10 * time.Second, PerHostRate: rate.Inf,
		Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.CloseIdleConnections)
	return source.NewPollerWith(client, source.PollerOptions{Now: func() time.Time { return found }})
}

// redditPage is a listing of posts named by letter, created in order of
// the alphabet (later letters newer), with an "after" cursor.
func redditPage(after string, names ...string) string {
	var children []string
	for _, n := range names {
		created := 1700000000 + int(n[0])*60
		children = append(children, fmt.Sprintf(`{"kind": "t3", "data": {"name": "t3_%s", "title": "post %s", "author": "a",
			"permalink": "/r/x/comments/%s/", "created_utc": %d}}`, n, n, n, created))
	}
	return fmt.Sprintf(`{"kind": "Listing", "data": {"after": %q, "children": [%s]}}`, after, strings.Join(children, ","))
}

// burst is five posts over three pages, newest first.
func burst() map[string]string {
	return map[string]string{
		"":     redditPage("t3_d", "e", "d"),
		"t3_d": redditPage("t3_b", "c", "b"),
		"t3_b": redditPage("", "a"),
	}
}

func keys(items []watch.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, strings.TrimPrefix(it.Key, "t3_"))
	}
	return out
}

func TestPollerPaging(t *testing.T) {
	tests := []struct {
		name      string
		pages     string // the source's "pages" option
		prev      watch.SourceHealth
		failOn    string
		wantAsked []string
		wantKeys  []string
		wantETag  string
		wantCur   string
	}{
		{name: "first poll reads to the default limit", wantAsked: []string{"", "t3_d", "t3_b"},
			wantKeys: []string{"e", "d", "c", "b", "a"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "up to the page limit", pages: "2", wantAsked: []string{"", "t3_d"},
			wantKeys: []string{"e", "d", "c", "b"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "a limit of one page", pages: "1", wantAsked: []string{""},
			wantKeys: []string{"e", "d"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "stops on the page holding the cursor", prev: watch.SourceHealth{Cursor: "t3_c"},
			wantAsked: []string{"", "t3_d"}, wantKeys: []string{"e", "d", "c", "b"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "cursor on the first page", prev: watch.SourceHealth{Cursor: "t3_d"},
			wantAsked: []string{""}, wantKeys: []string{"e", "d"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "a cursor no page holds", prev: watch.SourceHealth{Cursor: "t3_gone"},
			wantAsked: []string{"", "t3_d", "t3_b"}, wantKeys: []string{"e", "d", "c", "b", "a"}, wantETag: `"v1"`, wantCur: "t3_e"},
		{name: "304 on the first page", prev: watch.SourceHealth{ETag: `"v1"`, Cursor: "t3_e"},
			wantAsked: []string{""}, wantETag: `"v1"`, wantCur: "t3_e"},
		// The gap is retried: validators and cursor stay as they were.
		{name: "an older page fails", prev: watch.SourceHealth{ETag: `"v0"`, Cursor: "t3_a"}, failOn: "t3_d",
			wantAsked: []string{"", "t3_d"}, wantKeys: []string{"e", "d"}, wantETag: `"v0"`, wantCur: "t3_a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &pageServer{t: t, param: "after", ctype: "application/json", pages: burst(), etag: `"v1"`, failOn: tt.failOn}
			base := srv.start()
			src := watch.Source{ID: "src", Kind: source.KindReddit, URL: base + "/r/x/new.json"}
			if tt.pages != "" {
				src.Options = map[string]string{"pages": tt.pages}
			}
			res, err := testPoller(t).Poll(context.Background(), src, tt.prev)
			if err != nil {
				t.Fatalf("Poll: %v", err)
			}
			if got := srv.asked(); !slices.Equal(got, tt.wantAsked) {
				t.Errorf("asked for %q, want %q", got, tt.wantAsked)
			}
			if got := keys(res.Items); !slices.Equal(got, tt.wantKeys) {
				t.Errorf("items %q, want %q", got, tt.wantKeys)
			}
			if res.ETag != tt.wantETag || res.Cursor != tt.wantCur {
				t.Errorf("ETag %q Cursor %q, want %q %q", res.ETag, res.Cursor, tt.wantETag, tt.wantCur)
			}
			if res.NotModified != (tt.prev.ETag == `"v1"`) {
				t.Errorf("NotModified = %v", res.NotModified)
			}
			for i, inm := range srv.inm {
				if i > 0 && inm != "" {
					t.Errorf("request %d is conditional (If-None-Match %q); only the first page is", i, inm)
				}
			}
			for _, it := range res.Items {
				checkKindInvariants(t, it)
			}
		})
	}
}

func TestPollerBodyHash(t *testing.T) {
	srv := &pageServer{t: t, param: "after", ctype: "application/json", pages: burst()}
	base := srv.start()
	res, err := testPoller(t).Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindReddit, URL: base + "/r/x/new.json",
		Options: map[string]string{"pages": "2"}}, watch.SourceHealth{})
	if err != nil {
		t.Fatal(err)
	}
	hash := func(s string) string { sum := sha256.Sum256([]byte(s)); return hex.EncodeToString(sum[:]) }
	want := []string{hash(srv.pages[""]), hash(srv.pages[""]), hash(srv.pages["t3_d"]), hash(srv.pages["t3_d"])}
	for i, it := range res.Items {
		if it.BodySHA256 != want[i] {
			t.Errorf("item %d BodySHA256 = %q, want %q (the body of its own page)", i, it.BodySHA256, want[i])
		}
	}
}

func TestPollerOverlappingPages(t *testing.T) {
	// A post arrived between two page fetches: offset paging shows "d"
	// again on the second page. It is returned once.
	srv := &pageServer{t: t, param: "after", ctype: "application/json", pages: map[string]string{
		"":     redditPage("t3_d", "e", "d"),
		"t3_d": redditPage("", "d", "c"),
	}}
	base := srv.start()
	res, err := testPoller(t).Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindReddit, URL: base + "/r/x/new.json"}, watch.SourceHealth{})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(res.Items); !slices.Equal(got, []string{"e", "d", "c"}) {
		t.Errorf("items %q", got)
	}
}

func TestPollerMastodonSinceID(t *testing.T) {
	status := func(id string) string {
		return fmt.Sprintf(`{"id": %q, "created_at": "2026-03-01T10:00:00Z", "content": "<p>%s</p>", "account": {"acct": "a"}}`, id, id)
	}
	srv := &pageServer{t: t, param: "max_id", ctype: "application/json", pages: map[string]string{
		"":    "[" + status("130") + "," + status("120") + "]",
		"120": "[" + status("110") + "]",
		"110": "[]",
	}}
	base := srv.start()
	res, err := testPoller(t).Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindMastodon,
		URL: base + "/api/v1/timelines/tag/demo"}, watch.SourceHealth{Cursor: "100"})
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(res.Items); !slices.Equal(got, []string{"130", "120", "110"}) || res.Cursor != "130" {
		t.Errorf("items %q cursor %q", got, res.Cursor)
	}
	if got := srv.asked(); !slices.Equal(got, []string{"", "120", "110"}) {
		t.Fatalf("asked for max_id %q", got)
	}
	if q := srv.queries[0]; q.Has("since_id") {
		t.Errorf("the first page is the plain URL, for conditional GET; got %v", q)
	}
	for _, q := range srv.queries[1:] {
		if q.Get("since_id") != "100" {
			t.Errorf("older page asked without since_id=100: %v", q)
		}
	}
}

func TestPollerRefusesForeignNextPage(t *testing.T) {
	// A page's markup chooses its next link; one to another host, or back
	// to a page already read, is not followed.
	for name, next := range map[string]string{
		"another host": "http://localhost:1/s/x?before=5",
		"same page":    "/s/x",
		"not web":      "javascript:alert(1)",
	} {
		t.Run(name, func(t *testing.T) {
			body := fmt.Sprintf(`<section class="tgme_channel_history"><a class="tme_messages_more" data-before="5" href=%q></a>
				<div class="tgme_widget_message" data-post="x/6"><div class="tgme_widget_message_text">hello</div></div></section>`, next)
			srv := &pageServer{t: t, param: "before", ctype: "text/html; charset=utf-8", pages: map[string]string{"": body}}
			base := srv.start()
			res, err := testPoller(t).Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindTelegram, URL: base + "/s/x"}, watch.SourceHealth{})
			if err != nil {
				t.Fatal(err)
			}
			if got := srv.asked(); len(got) != 1 || len(res.Items) != 1 {
				t.Errorf("asked %q, %d items; want the first page only", got, len(res.Items))
			}
		})
	}
}

func TestPollerFeedAndErrors(t *testing.T) {
	rss := `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
		<item><guid>old</guid><title>Old</title><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>
		<item><guid>new</guid><title>New</title><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`
	srv := &pageServer{t: t, param: "p", ctype: "application/rss+xml", pages: map[string]string{"": rss}}
	base := srv.start()
	p := testPoller(t)

	// A kind that does not page: one request, the newest key as cursor.
	res, err := p.Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindFeed, URL: base + "/feed"}, watch.SourceHealth{})
	if err != nil || len(res.Items) != 2 || res.Cursor != "new" || len(srv.asked()) != 1 {
		t.Errorf("feed: %d items, cursor %q, asked %q, err %v", len(res.Items), res.Cursor, srv.asked(), err)
	}

	// A first page that does not parse is an unparseable fetch error.
	_, err = p.Poll(context.Background(), watch.Source{ID: "src", Kind: source.KindReddit, URL: base + "/feed"}, watch.SourceHealth{})
	if fetch.ClassOf(err) != fetch.ClassUnparseable || !strings.Contains(err.Error(), "cannot parse the reddit") {
		t.Errorf("err = %v, want class unparseable", err)
	}

	// A cancelled poll returns the context's error, not a partial result.
	ctx, cancel := contextCancelled()
	defer cancel()
	if _, err := p.Poll(ctx, watch.Source{ID: "src", Kind: source.KindFeed, URL: base + "/feed"}, watch.SourceHealth{}); err == nil {
		t.Error("cancelled poll: no error")
	}
}
