package app

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// An analyst types a bad query and sees the message with a caret under the
// problem, fixes it, tries it on the stored items (a highlighted, new
// match), saves it; the next item it matches reaches an officer's board
// live, without a restart.
func TestBrowserWatchListEditor(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "an1", watch.RoleAnalyst)
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	feed.add(feedItem{GUID: "g1", Title: "Rave with a drill set in the woods", Text: "Bring ｆｒｉｅｎｄｓ, 和平 and a DRILL tune", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	officer := newTab(t)
	officer.signIn(t, base, "pc1", "all")
	officer.run(t, "first hit", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))

	an := newTab(t)
	an.signIn(t, base, "an1", "all")
	an.run(t, "editor", chromedp.Navigate(base+"/watchlists"), chromedp.WaitVisible(`body[data-ready="yes"] #wl-new`, chromedp.ByQuery),
		chromedp.Click("#wl-new", chromedp.ByID), chromedp.WaitVisible("#wl-query", chromedp.ByID),
		chromedp.SendKeys("#wl-id", "drill", chromedp.ByID), chromedp.SendKeys("#wl-name", "Drill", chromedp.ByID),
		chromedp.SetValue("#wl-severity", "critical", chromedp.ByID),
		chromedp.SendKeys("#wl-query", "drill* AND", chromedp.ByID))
	var msg, font string
	an.run(t, "syntax message", chromedp.WaitVisible(`#wl-check:not(.ok)`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("wl-check").textContent.indexOf("AND needs") >= 0`, nil),
		chromedp.Text("#wl-check", &msg, chromedp.ByID),
		chromedp.Evaluate(`getComputedStyle(document.getElementById("wl-check")).fontFamily`, &font))
	if want := "column 8: AND needs a term after it\ndrill* AND\n       ^^^"; msg != want {
		t.Fatalf("check message\n%q\nwant\n%q", msg, want)
	}
	if !strings.Contains(font, "monospace") {
		t.Errorf("the caret is not in a monospace font: %s", font)
	}
	// fixed by typing: the check follows
	an.run(t, "fix", chromedp.SendKeys("#wl-query", " -police", chromedp.ByID),
		chromedp.Poll(`document.getElementById("wl-check").className.indexOf("ok") >= 0`, nil),
		chromedp.Text("#wl-check", &msg, chromedp.ByID))
	if msg != "Parses: 1 term, 1 excluded (-police)." { // police is excluded, not a term
		t.Fatalf("check after the fix: %q", msg)
	}
	var marks, summary string
	an.run(t, "try it", chromedp.Click("#wl-try", chromedp.ByID),
		chromedp.WaitVisible(`#wl-try-items li.new mark`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#wl-try-items li.new mark')).map(m => m.textContent).join('|')`, &marks),
		chromedp.Text("#wl-try-summary", &summary, chromedp.ByID))
	if marks != "drill|DRILL" {
		t.Errorf("highlighted %q", marks)
	}
	if !strings.Contains(summary, "1 new, 0 lost, 0 unchanged") {
		t.Errorf("summary %q", summary)
	}
	// the editor, its message and the tried items keep WCAG AA contrast
	var res struct {
		Checked int      `json:"checked"`
		Bad     []string `json:"bad"`
	}
	an.run(t, "contrast", chromedp.Evaluate(contrastJS, &res))
	if res.Checked < 10 || len(res.Bad) > 0 {
		t.Errorf("/watchlists: %d elements checked, below AA: %v", res.Checked, res.Bad)
	}
	var origin string
	an.run(t, "save", chromedp.Click("#wl-save", chromedp.ByID),
		chromedp.WaitVisible(`body[data-ready="yes"] #list-drill`, chromedp.ByQuery),
		chromedp.Text(`#list-drill .origin`, &origin, chromedp.ByQuery))
	if origin != "made in the web" {
		t.Errorf("origin %q", origin)
	}
	// a fresh item matching the new list reaches the officer's board live
	feed.add(feedItem{GUID: "g2", Title: "Drill video dropped tonight", Link: "https://example.org/2"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	var title string
	officer.run(t, "live hit", chromedp.WaitVisible(`#hits li.hit:nth-child(2)`, chromedp.ByQuery),
		chromedp.Text(`#hits li.hit:first-child .title mark`, &title, chromedp.ByQuery))
	if title != "Drill" {
		t.Errorf("live hit's highlight %q", title)
	}
	// the officer's page loaded before the list existed: it learns the new
	// list's severity, so filtering on "critical" shows the live hit only
	officer.run(t, "severity filter", chromedp.SetValue("#filter-severity", "critical", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("filter-severity").dispatchEvent(new Event("change"))`, nil),
		chromedp.Poll(`(function () {
			var hs = document.querySelectorAll("#hits li.hit");
			return hs.length === 2 && hs[0].dataset.severity === "critical" && !hs[0].hidden && hs[1].hidden;
		})()`, nil))
	if n := an.errors.Load() + officer.errors.Load(); n != 0 {
		t.Errorf("%d page errors", n)
	}
	log, _ := a.store.AuditLog(ctx, 5)
	if log[0].Action != "watchlist_create" || !strings.Contains(log[0].Detail, `"query":"drill* AND -police"`) {
		t.Errorf("audit %+v", log[0])
	}
}
