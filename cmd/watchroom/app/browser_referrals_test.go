package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
)

// An officer flags a hit on the board and refers it to a platform: refused
// until the content is captured, then recorded; the platform's reference
// and outcome are recorded, another board sees the referral live, and the
// ledger shows it with the per-platform figures and charts.
func TestBrowserReferral(t *testing.T) {
	var gone atomic.Bool
	content := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gone.Load() {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("<html><body><p>drill video with threats</p></body></html>"))
	}))
	defer content.Close()
	contentURL := content.URL + "/v/1"
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "op1")
	feed.add(feedItem{GUID: "g1", Title: "Rave and a drill video", Link: contentURL})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	one.run(t, "flag the hit", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery), chromedp.KeyEvent("j"), chromedp.KeyEvent("f"),
		chromedp.WaitVisible(`#hits li.hit[data-flagged="yes"] a.refer`, chromedp.ByQuery))
	var url string
	one.run(t, "open the referral form", chromedp.Click(`#hits li.hit a.refer`, chromedp.ByQuery),
		chromedp.WaitVisible(`#referral-form`, chromedp.ByQuery), chromedp.Value(`#rf-url`, &url, chromedp.ByQuery),
		chromedp.SetValue(`#rf-platform`, "youtube", chromedp.ByQuery),
		chromedp.SendKeys(`#rf-category`, "Violent criminal organisations", chromedp.ByQuery),
		chromedp.Click(`#refer`, chromedp.ByQuery),
		chromedp.WaitVisible(`#capture-first`, chromedp.ByQuery))
	if url != contentURL {
		t.Fatalf("the form's URL is %q, want the hit's %q", url, contentURL)
	}
	var problem string
	one.run(t, "refused", chromedp.Text(`#problem`, &problem, chromedp.ByQuery))
	if !strings.Contains(problem, "Capture first") {
		t.Fatalf("refusal says %q", problem)
	}
	if rs, _ := a.store.Referrals(context.Background(), watch.ReferralFilter{}); len(rs) != 0 {
		t.Fatalf("a refused referral was stored: %+v", rs)
	}
	c, err := a.evidence.Capture(context.Background(), evidence.CaptureRequest{URL: contentURL, By: "pc1", Note: "before referral", HitID: 1, Operation: "op1"})
	if err != nil {
		t.Fatal(err)
	}
	// the form kept what was typed: send it again
	one.run(t, "refer", chromedp.Click(`#refer`, chromedp.ByQuery), chromedp.WaitVisible(`#referral-change`, chromedp.ByQuery))
	two.run(t, "live on the other board", chromedp.WaitVisible(`#hits li.hit .referral-status`, chromedp.ByQuery))
	one.run(t, "record reference and outcome",
		chromedp.SendKeys(`#rc-reference`, "YT-2026-0042", chromedp.ByQuery),
		chromedp.SetValue(`#rc-outcome`, "removed", chromedp.ByQuery),
		chromedp.Click(`#save-referral`, chromedp.ByQuery),
		chromedp.WaitVisible(`#referral-history tbody tr:nth-child(3)`, chromedp.ByQuery))
	var outcome, evidenceText string
	one.run(t, "referral page", chromedp.Text(`#referral .outcome`, &outcome, chromedp.ByQuery),
		chromedp.Text(`#referral dd:nth-of-type(7)`, &evidenceText, chromedp.ByQuery))
	if !strings.HasPrefix(outcome, "removed") || !strings.Contains(evidenceText, "capture 1") || c.ID != 1 {
		t.Errorf("outcome %q, evidence %q", outcome, evidenceText)
	}
	var badge string
	two.run(t, "outcome live", chromedp.Poll(`document.querySelector('#hits li.hit .referral-status').textContent.includes('removed')`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text(`#hits li.hit .referral-status`, &badge, chromedp.ByQuery))
	if !strings.Contains(badge, "YT-2026-0042") {
		t.Errorf("board badge %q", badge)
	}
	two.run(t, "still shown after a reload", chromedp.Navigate(base+"/board/op1"),
		chromedp.Poll(`(document.querySelector('#hits li.hit .referral-status') || {textContent: ''}).textContent.includes('YT-2026-0042')`, nil, chromedp.WithPollingTimeout(20*time.Second)))
	// the removal check sees the content gone, beside the officer's outcome
	gone.Store(true)
	r, _ := a.store.Referral(context.Background(), 1)
	if _, err := a.referrals.CheckOne(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	var rate, median, row string
	var chartW, chartH float64
	one.run(t, "ledger", chromedp.Navigate(base+"/referrals?platform=youtube"),
		chromedp.WaitVisible(`#referral-figures`, chromedp.ByQuery),
		chromedp.Text(`#referral-figures tr[data-platform="youtube"] .rate`, &rate, chromedp.ByQuery),
		chromedp.Text(`#referral-figures tr[data-platform="youtube"] .median`, &median, chromedp.ByQuery),
		chromedp.Text(`#referral-1`, &row, chromedp.ByQuery),
		chromedp.WaitVisible(`#chart-rate[data-rendered="yes"] canvas`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#chart-rate canvas').getBoundingClientRect().width`, &chartW),
		chromedp.Evaluate(`document.querySelector('#chart-rate canvas').getBoundingClientRect().height`, &chartH))
	if rate != "100%" || !strings.HasSuffix(median, "hours") {
		t.Errorf("figures: rate %q, median %q", rate, median)
	}
	for _, want := range []string{"YT-2026-0042", "removed", "gone", contentURL} {
		if !strings.Contains(row, want) {
			t.Errorf("ledger row %q lacks %q", row, want)
		}
	}
	if chartW < 200 || chartH < 150 {
		t.Errorf("chart is %.0f×%.0f", chartW, chartH)
	}
	if one.errors.Load() != 0 || two.errors.Load() != 0 {
		t.Errorf("page errors: %d %d", one.errors.Load(), two.errors.Load())
	}
}
