package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

// The tasking and demand pages meet WCAG 2.1 AA contrast for their text,
// the form with its problems shown included.
func TestBrowserTaskingContrast(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "sgt1", watch.RoleSupervisor)
	ctx := context.Background()
	sgt, _ := a.store.UserByName(ctx, "sgt1")
	if err := a.store.ImportRequests(ctx, DemoHistory(a.tasking, time.Now(), 40, 8*7*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	r, err := a.store.SaveRequestForm(ctx, tasking.Request{RequesterID: sgt.ID, Requester: "sgt1", Type: "pre_event", Team: a.tasking.Teams[0],
		Urgency: tasking.UrgencyRoutine, Contact: "sgt1", Asked: "A picture of the weekend", Why: "Planning", NeededBy: time.Now().AddDate(0, 0, 5)}, true, "")
	if err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signInTo(t, base, "sgt1", "#board")
	for _, page := range []string{"/requests", "/requests/new", fmt.Sprintf("/requests/%d", r.ID), "/tasking", "/demand", "/demand/report", "/demand/transparency"} {
		var res struct {
			Checked int      `json:"checked"`
			Bad     []string `json:"bad"`
		}
		tb.run(t, "contrast "+page, chromedp.Navigate(base+page), chromedp.WaitVisible(`body`, chromedp.ByQuery),
			chromedp.Evaluate(`new Promise(r => setTimeout(r, 300))`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Evaluate(contrastJS, &res))
		if res.Checked < 10 || len(res.Bad) > 0 {
			t.Errorf("%s: %d elements checked, below AA: %v", page, res.Checked, res.Bad)
		}
	}
	var res struct {
		Checked int      `json:"checked"`
		Bad     []string `json:"bad"`
	}
	tb.run(t, "the form with problems", chromedp.Navigate(base+"/requests/new"), chromedp.WaitVisible("#send-request", chromedp.ByID),
		chromedp.Click("#send-request", chromedp.ByID), chromedp.WaitVisible("#problems", chromedp.ByID),
		chromedp.Evaluate(contrastJS, &res))
	if len(res.Bad) > 0 {
		t.Errorf("form with problems below AA: %v", res.Bad)
	}
}
