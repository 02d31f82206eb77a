package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// The source health board: live state with the error's class, new items
// and 304 share; pause, resume and poll now, each audited.
func TestBrowserSourceHealthBoard(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "an1", watch.RoleAnalyst)
	feed.add(feedItem{GUID: "g1", Title: "Rave one", Link: "https://example.org/1"})
	feed.add(feedItem{GUID: "g2", Title: "Bake sale", Link: "https://example.org/2"})
	ctx := context.Background()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if err := a.pollNow(ctx, "local"); err != nil { // answered 304
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "an1", "all")
	var row string
	tb.run(t, "sources page", chromedp.Navigate(base+"/sources"), chromedp.WaitVisible(`body[data-live="yes"] #src-local`, chromedp.ByQuery),
		chromedp.Text(`#src-local`, &row, chromedp.ByQuery))
	for _, want := range []string{"Local feed", "feed", "ok", "50% of 2"} {
		if !strings.Contains(row, want) {
			t.Errorf("row %q lacks %q", row, want)
		}
	}
	// the feed breaks; "poll now" shows it failing, live, with its class
	feed.setFail(503)
	tb.run(t, "poll now", chromedp.Click(`#src-local .act-poll`, chromedp.ByQuery),
		chromedp.WaitVisible(`#src-local[data-state="failing, backing off"]`, chromedp.ByQuery),
		chromedp.Text(`#src-local`, &row, chromedp.ByQuery))
	if !strings.Contains(row, "http_5xx") {
		t.Errorf("failing row %q lacks the class", row)
	}
	tb.run(t, "pause", chromedp.Click(`#src-local .act-pause`, chromedp.ByQuery),
		chromedp.WaitVisible(`#src-local[data-state="paused"]`, chromedp.ByQuery))
	if err := a.pipeline.Poll(ctx, a.sources["local"]); err != watch.ErrPaused {
		t.Fatalf("scheduled poll of a paused source: %v", err)
	}
	tb.run(t, "resume", chromedp.Click(`#src-local .act-resume`, chromedp.ByQuery),
		chromedp.WaitVisible(`#src-local[data-state="failing, backing off"]`, chromedp.ByQuery))
	log, _ := a.store.AuditLog(ctx, 10)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if !strings.Contains(strings.Join(actions, " "), "source_resume source_pause poll_now") {
		t.Fatalf("audit %v", actions)
	}
}
