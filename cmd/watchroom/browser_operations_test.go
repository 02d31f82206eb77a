package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// An analyst creates an operation in the web page and lands on its board,
// which is live: a new hit on its list appears there. A hostile name typed
// into the form shows as text and runs nothing.
func TestBrowserAnalystCreatesOperation(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	tb := newTab(t)
	tb.signIn(t, base, "analyst1", "all")
	loc := a.cfg.Server.Location
	start := time.Now().Add(3 * time.Hour).In(loc).Format("2006-01-02T15:04")
	end := time.Now().Add(9 * time.Hour).In(loc).Format("2006-01-02T15:04")
	const name = `<img src=x onerror=alert(1)> Warehouse gig`
	tb.run(t, "fill the form",
		chromedp.Navigate(base+"/operations"),
		chromedp.WaitVisible("#new-op", chromedp.ByID),
		chromedp.Click("#new-op", chromedp.ByID),
		chromedp.WaitVisible("#opform", chromedp.ByID),
		chromedp.SendKeys("#op-id", "gig", chromedp.ByID),
		chromedp.SendKeys("#op-name", name, chromedp.ByID),
		chromedp.SetValue("#op-start", start, chromedp.ByID),
		chromedp.SetValue("#op-end", end, chromedp.ByID),
		chromedp.SetValue("#op-kind", "ume", chromedp.ByID),
		chromedp.SendKeys("#op-place", "Hackney Wick", chromedp.ByID),
		chromedp.Click("#wl-ume", chromedp.ByID),
		chromedp.Click("#src-local", chromedp.ByID),
		chromedp.SendKeys("#op-lead", "12h", chromedp.ByID),
		chromedp.Click("#save-op", chromedp.ByID),
		chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
	)
	var url, h1 string
	tb.run(t, "its board", chromedp.Location(&url), chromedp.Text("h1", &h1, chromedp.ByQuery))
	if url != base+"/board/gig" || h1 != name {
		t.Fatalf("landed on %s titled %q", url, h1)
	}
	op, ok := a.reg.Get("gig")
	if !ok || op.BriefingLead != 12*time.Hour || op.Kind != "ume" || len(op.Sources) != 1 || op.Origin != watch.OriginWeb {
		t.Fatalf("operation %+v", op)
	}
	feed.add(feedItem{GUID: "g1", Title: "Free party at the warehouse", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "the hit on the new board", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))
	// the operations page lists it, with an edit link
	tb.run(t, "operations page", chromedp.Navigate(base+"/operations"),
		chromedp.WaitVisible(`#op-gig a.edit-op`, chromedp.ByQuery))
	if n := tb.count(t, "img, [onerror]"); n != 0 {
		t.Fatalf("%d hostile elements", n)
	}
	if tb.dialogs.Load() != 0 || tb.errors.Load() != 0 {
		t.Fatalf("dialogs %d, page errors %d", tb.dialogs.Load(), tb.errors.Load())
	}
}
