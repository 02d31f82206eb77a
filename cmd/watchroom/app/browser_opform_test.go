package app

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// An analyst who gets several fields wrong is told of every one at once,
// not one per save.
func TestBrowserOperationFormShowsEveryProblem(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "an1", watch.RoleAnalyst)
	tb := newTab(t)
	tb.signIn(t, base, "an1", "op1")
	var fields []string
	tb.run(t, "a form with three problems", chromedp.Navigate(base+"/operations/new"), chromedp.WaitVisible("#opform", chromedp.ByID),
		chromedp.SendKeys("#op-id", "Gig!", chromedp.ByID),
		chromedp.SendKeys("#op-name", "Warehouse gig", chromedp.ByID),
		chromedp.SetValue("#op-start", "2026-12-05T22:00", chromedp.ByID),
		chromedp.SetValue("#op-end", "2026-12-05T20:00", chromedp.ByID),
		chromedp.SendKeys("#op-lat", "51.5", chromedp.ByID),
		chromedp.Click("#save-op", chromedp.ByID),
		chromedp.WaitVisible("#problems", chromedp.ByID),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#problems li")).map(li => li.dataset.field)`, &fields))
	if got := strings.Join(fields, " "); got != "lat id end" {
		t.Fatalf("problems shown for %q, want lat, id and end", got)
	}
}
