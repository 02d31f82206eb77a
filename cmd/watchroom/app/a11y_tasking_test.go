package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

// The tasking and demand pages meet WCAG 2.1 AA contrast for their text,
// the form with its problems shown included, and pass axe-core with no
// serious or critical violation, for a supervisor and for a requester.
func TestBrowserTaskingAccessible(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core (pinned in package.json): %v", err)
	}
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "sgt1", watch.RoleSupervisor)
	addUser(t, a, "req1", watch.RoleRequester)
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
	axe := func(tb *tab, who, path, ready string) {
		t.Helper()
		var bad []string
		tb.run(t, who+" "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(ready, chromedp.ByQuery),
			chromedp.Evaluate(string(src), nil),
			chromedp.Evaluate(axeJS, &bad, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		for _, b := range bad {
			t.Errorf("%s %s: %s", who, path, b)
		}
	}
	for _, p := range []string{"/requests", "/requests/new", fmt.Sprintf("/requests/%d", r.ID), "/tasking"} {
		axe(tb, "supervisor", p, "main")
	}
	for _, p := range []string{"/demand", "/demand/report", "/demand/transparency"} {
		axe(tb, "supervisor", p, `#demand[data-charts="drawn"]`)
	}
	req := newTab(t)
	req.signInTo(t, base, "req1", `#tasking[data-page="list"]`)
	axe(req, "requester", "/requests", "main")
	axe(req, "requester", "/requests/new", "main")
	axe(req, "requester", "/board/all", "main") // the refusal
}
