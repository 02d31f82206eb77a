package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
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

// An analyst accepts a draft proposed from a calendar event: the form
// comes prefilled, saving makes the operation and opens its board, and
// the draft is no longer waiting. The event's hostile title is text.
func TestBrowserAnalystAcceptsDraft(t *testing.T) {
	feed, cal := newFeedServer(t), newCalServer(t)
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, fmt.Sprintf(draftsConfig, tempDataDir(t), feed.url, cal.url), clock, nil)
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	cal.set(vevent("e1", "&lt;img src=x onerror=alert(1)&gt; Warehouse party", "20261128T220000Z", "20261129T040000Z", "Unit 4, Hackney Wick"))
	if err := a.pollNow(context.Background(), "cal"); err != nil {
		t.Fatal(err)
	}
	ds, err := a.store.Drafts(context.Background(), watch.DraftProposed, 10)
	if err != nil || len(ds) != 1 {
		t.Fatalf("drafts %+v %v", ds, err)
	}
	row := fmt.Sprintf("#draft-%d", ds[0].ID)
	tb := newTab(t)
	tb.signIn(t, base, "analyst1", "all")
	var title, name, start, place string
	tb.run(t, "accept the draft",
		chromedp.Navigate(base+"/operations"),
		chromedp.WaitVisible(row, chromedp.ByQuery),
		chromedp.Text(row+" .draft-title", &title, chromedp.ByQuery),
		chromedp.Click(row+" a.accept-draft", chromedp.ByQuery),
		chromedp.WaitVisible("#opform", chromedp.ByID),
		chromedp.Value("#op-name", &name, chromedp.ByID),
		chromedp.Value("#op-start", &start, chromedp.ByID),
		chromedp.Value("#op-place", &place, chromedp.ByID))
	if title != "<img src=x onerror=alert(1)> Warehouse party" || name != title || start != "2026-11-28T22:00" || place != "Unit 4, Hackney Wick" {
		t.Fatalf("draft %q, prefilled name %q start %q place %q", title, name, start, place)
	}
	tb.run(t, "save it",
		chromedp.SetValue("#op-id", "warehouse-party", chromedp.ByID),
		chromedp.Click("#wl-ume", chromedp.ByID),
		chromedp.Click("#save-op", chromedp.ByID),
		chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery))
	var url string
	tb.run(t, "its board", chromedp.Location(&url))
	if url != base+"/board/warehouse-party" {
		t.Fatalf("landed on %s", url)
	}
	tb.run(t, "no draft waiting", chromedp.Navigate(base+"/operations"), chromedp.WaitVisible("#op-warehouse-party", chromedp.ByID))
	if n := tb.count(t, row); n != 0 {
		t.Fatal("the accepted draft is still proposed")
	}
	if n := tb.count(t, "img, [onerror]"); n != 0 || tb.dialogs.Load() != 0 || tb.errors.Load() != 0 {
		t.Fatalf("hostile elements %d, dialogs %d, page errors %d", n, tb.dialogs.Load(), tb.errors.Load())
	}
	if d, _ := a.store.DraftByID(context.Background(), ds[0].ID); d.State != watch.DraftAccepted || d.Operation != "warehouse-party" {
		t.Fatalf("draft %+v", d)
	}
}

// An edit made by one analyst reaches a board already open elsewhere: its
// name changes live, as text.
func TestBrowserBoardFollowsOperationEdit(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	op, _ := a.reg.Get("op1")
	op.Name = `<b>Summer rave</b> (moved)`
	if err := a.ops.SaveOperation(context.Background(), op, "analyst1", false); err != nil {
		t.Fatal(err)
	}
	var h1 string
	tb.run(t, "renamed live", chromedp.WaitVisible(`//h1[contains(., "(moved)")]`, chromedp.BySearch),
		chromedp.Text(".boardhead h1", &h1, chromedp.ByQuery))
	if h1 != op.Name {
		t.Fatalf("board title %q", h1)
	}
	if n := tb.count(t, ".boardhead h1 b"); n != 0 {
		t.Fatal("the name was rendered as markup")
	}
}
