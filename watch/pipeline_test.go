package watch_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/source"
	"github.com/watchroom/watchroom/watch/store"
)

// feed is an RSS server whose answers the test controls.
type feed struct {
	mu      sync.Mutex
	items   []string // "guid|title"
	status  int      // non-zero: answer with this status
	body    string   // non-empty: answer with this body instead
	etag    bool     // honour If-None-Match
	block   chan struct{}
	entered chan struct{}
	polls   int
}

func (f *feed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.polls++
	block, entered := f.block, f.entered
	f.mu.Unlock()
	if block != nil {
		entered <- struct{}{}
		<-block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.status != 0 {
		http.Error(w, "broken", f.status)
		return
	}
	if f.body != "" {
		io.WriteString(w, f.body)
		return
	}
	tag := fmt.Sprintf(`"v%d"`, len(f.items))
	if f.etag {
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
	for _, it := range f.items {
		g, title, _ := strings.Cut(it, "|")
		fmt.Fprintf(&b, `<item><guid>%s</guid><title>%s</title><link>https://example.org/%s</link></item>`, g, title, g)
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, b.String())
}

type rig struct {
	st     *store.Store
	p      *watch.Pipeline
	events []watch.Event
	mu     sync.Mutex
	src    watch.Source
	feed   *feed
}

func newRig(t *testing.T) *rig {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), logger, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{st: st, feed: &feed{etag: true}}
	st.SetPublisher(func(evs []watch.Event) { r.mu.Lock(); r.events = append(r.events, evs...); r.mu.Unlock() })
	ts := httptest.NewServer(r.feed)
	t.Cleanup(ts.Close)
	client, err := fetch.New(fetch.Options{UserAgent: "watchroom-test", Timeout: 10 * time.Second, PerHostRate: rate.Inf,
		Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := watch.NewMatcher([]watch.WatchList{{ID: "ume", Terms: []string{"rave", "free party"}}},
		[]watch.Operation{{ID: "op1", WatchLists: []string{"ume"}}})
	if err != nil {
		t.Fatal(err)
	}
	r.p = watch.NewPipeline(source.NewPoller(client), m, st, logger, watch.PipelineOptions{})
	r.src = watch.Source{ID: "local", Kind: "feed", URL: ts.URL + "/feed.xml"}
	return r
}

func (r *rig) nEvents() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.events) }

func (r *rig) hits(t *testing.T) int {
	snap, err := r.st.BoardSnapshot(context.Background(), "all", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(snap.Hits)
}

func TestPipelineNewMatchRepollAndNotModified(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.feed.items = []string{"g1|Free party on Saturday", "g2|Bake sale"}
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	if r.hits(t) != 1 || r.nEvents() != 2 { // one hit event, one source event (new -> ok)
		t.Fatalf("hits %d events %d", r.hits(t), r.nEvents())
	}
	if r.events[0].Type != watch.EventHit || !r.events[0].VisibleOn("op1") {
		t.Fatalf("first event %+v", r.events[0])
	}
	// not modified: the server answers 304, nothing is added
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	// a full re-poll of the same items (no conditional GET) adds nothing either
	r.feed.etag = false
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	if r.hits(t) != 1 || r.nEvents() != 2 {
		t.Fatalf("after re-polls: hits %d events %d", r.hits(t), r.nEvents())
	}
	h, _ := r.st.SourceHealth(ctx, "local")
	if h.State != "ok" || h.LastSuccess.IsZero() || h.Failures != 0 {
		t.Fatalf("health %+v", h)
	}
	// a new item later is one more hit
	r.feed.items = append(r.feed.items, "g3|Rave in the woods")
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	if r.hits(t) != 2 || r.nEvents() != 3 {
		t.Fatalf("after new item: hits %d events %d", r.hits(t), r.nEvents())
	}
}

func TestPipelineBrokenFeedMarksSourceFailing(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.feed.items = []string{"g1|rave"}
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	ok, _ := r.st.SourceHealth(ctx, "local")
	for _, c := range []struct {
		status int
		body   string
		want   string
	}{
		{status: 500, want: "500"},
		{body: "<html>this is not a feed</html>", want: "parse"},
	} {
		r.feed.status, r.feed.body = c.status, c.body
		err := r.p.Poll(ctx, r.src)
		if err == nil {
			t.Fatalf("%+v: no error", c)
		}
		h, _ := r.st.SourceHealth(ctx, "local")
		if h.State != "failing" || !strings.Contains(strings.ToLower(h.LastError), c.want) || !h.LastSuccess.Equal(ok.LastSuccess) {
			t.Fatalf("%+v: health %+v", c, h)
		}
	}
	h, _ := r.st.SourceHealth(ctx, "local")
	if h.Failures != 2 {
		t.Fatalf("failures %d", h.Failures)
	}
	var sourceEvents int
	for _, e := range r.events {
		if e.Type == watch.EventSource {
			sourceEvents++
		}
	}
	if sourceEvents != 3 { // new->ok, ok->failing(500), failing(500)->failing(parse)
		t.Fatalf("%d source events", sourceEvents)
	}
	// it recovers
	r.feed.status, r.feed.body = 0, ""
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	if h, _ := r.st.SourceHealth(ctx, "local"); h.State != "ok" || h.Failures != 0 || h.LastError != "" {
		t.Fatalf("after recovery %+v", h)
	}
}

func TestPipelineNeverTwoPollsOfOneSource(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	r.feed.items = []string{"g1|rave"}
	r.feed.block, r.feed.entered = make(chan struct{}), make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { done <- r.p.Poll(ctx, r.src) }()
	<-r.feed.entered // the first poll is inside the fetch
	if err := r.p.Poll(ctx, r.src); !errors.Is(err, watch.ErrBusy) {
		t.Fatalf("second concurrent poll: %v, want ErrBusy", err)
	}
	close(r.feed.block)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.feed.mu.Lock()
	r.feed.block = nil
	polls := r.feed.polls
	r.feed.mu.Unlock()
	if polls != 1 {
		t.Fatalf("%d fetches, want 1", polls)
	}
	// afterwards it can poll again
	if err := r.p.Poll(ctx, r.src); err != nil {
		t.Fatal(err)
	}
}

// stubbornPoller blocks until released, whatever its context says.
type stubbornPoller struct {
	entered chan struct{}
	release chan struct{}
}

func (s stubbornPoller) Poll(ctx context.Context, _ watch.Source, _ watch.SourceHealth) (watch.PollResult, error) {
	s.entered <- struct{}{}
	<-s.release
	return watch.PollResult{}, ctx.Err()
}

func TestPipelineCloseCancelsAndWaitsForBackgroundPolls(t *testing.T) {
	r := newRig(t)
	r.feed.items = []string{"g1|rave"}
	r.feed.block, r.feed.entered = make(chan struct{}), make(chan struct{}, 1)
	t.Cleanup(func() { close(r.feed.block) }) // before the feed server closes
	ctx := context.Background()
	if err := r.p.Go(ctx, r.src); err != nil {
		t.Fatal(err)
	}
	<-r.feed.entered // the poll is inside the fetch, which only cancelling ends
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.p.Close(cctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := r.p.Go(ctx, r.src); !errors.Is(err, watch.ErrClosed) {
		t.Fatalf("Go after Close: %v, want ErrClosed", err)
	}
	// cancelled by the shutdown, not the source's fault
	if h, _ := r.st.SourceHealth(ctx, "local"); h.State == "failing" || h.Failures != 0 {
		t.Fatalf("health after a cancelled poll: %+v", h)
	}
}

func TestPipelineCloseGivesUpWithItsContext(t *testing.T) {
	r := newRig(t)
	sp := stubbornPoller{entered: make(chan struct{}, 1), release: make(chan struct{})}
	p := watch.NewPipeline(sp, &watch.Matcher{}, r.st, slog.New(slog.NewTextHandler(io.Discard, nil)), watch.PipelineOptions{})
	if err := p.Go(context.Background(), r.src); err != nil {
		t.Fatal(err)
	}
	<-sp.entered
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Close(expired); !errors.Is(err, context.Canceled) {
		t.Fatalf("close with a poll still running: %v, want context.Canceled", err)
	}
	close(sp.release)
	if err := p.Close(context.Background()); err != nil {
		t.Fatalf("close once the poll ended: %v", err)
	}
}
