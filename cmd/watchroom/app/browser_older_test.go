package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// Hits older than the board's snapshot of 200 come a page at a time as
// the person scrolls to the end, while the live stream goes on: in the
// end every hit is on the board once, the newest on top.
func TestBrowserLoadOlderHits(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	for i := range 330 {
		feed.add(feedItem{GUID: fmt.Sprint("o", i), Title: fmt.Sprintf("Rave %d", i), Link: fmt.Sprintf("https://example.org/o/%d", i)})
	}
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.screenshotOnFailure(t, "older")
	tb.run(t, "small screen", chromedp.EmulateViewport(1366, 768))
	tb.signIn(t, base, "pc1", "op1")
	var n int
	tb.run(t, "snapshot", chromedp.WaitVisible(`#hits li.hit:nth-child(200)`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#hits li.hit").length`, &n))
	if n != 200 {
		t.Fatalf("%d hits from the snapshot, want 200", n)
	}
	// a new hit arrives live while older ones are paged in
	feed.add(feedItem{GUID: "live", Title: "Rave just found", Link: "https://example.org/live"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []int{301, 331} {
		tb.run(t, fmt.Sprint("scroll to the end for ", want), chromedp.Evaluate(`window.scrollTo(0, document.documentElement.scrollHeight); true`, nil),
			chromedp.WaitVisible(fmt.Sprintf(`#hits li.hit:nth-child(%d)`, want), chromedp.ByQuery))
	}
	var r struct {
		Cards, Unique int
		Min, Max      int
		Top           string
		NoOlder       bool
	}
	tb.run(t, "all loaded", chromedp.WaitVisible(`#no-older`, chromedp.ByID),
		chromedp.Evaluate(`(() => { const ids = Array.from(document.querySelectorAll("#hits li.hit")).flatMap(c => c.dataset.hits.split(" ").map(Number));
  return {Cards: document.querySelectorAll("#hits li.hit").length, Unique: new Set(ids).size, Min: Math.min(...ids), Max: Math.max(...ids),
    Top: document.querySelector("#hits li.hit .title").textContent, NoOlder: !document.getElementById("no-older").hidden}; })()`, &r))
	if r.Cards != 331 || r.Unique != 331 || r.Min != 1 || r.Max != 331 || r.Top != "Rave just found" || !r.NoOlder {
		t.Fatalf("after paging: %+v; want hits 1 to 331 once each, the live one on top", r)
	}
}
