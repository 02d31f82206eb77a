package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/referrals"
)

// contrastJS returns, for every visible element with text of its own, the
// WCAG contrast ratio of its text against the background it sits on (the
// nearest opaque background up the tree), and lists those below the AA
// minimum (4.5:1, or 3:1 for large text).
const contrastJS = `(() => {
	const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
	const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	const bg = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; } return [255, 255, 255]; };
	const bad = [];
	let checked = 0;
	for (const el of document.querySelectorAll('body *')) {
		if (!el.offsetParent || !Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) continue;
		const st = getComputedStyle(el);
		const l1 = lum(rgb(st.color)), l2 = lum(bg(el));
		const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
		const size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight) >= 700;
		const min = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
		checked++;
		if (ratio < min) bad.push(el.tagName + '.' + el.className + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
	}
	return {checked, bad};
})()`

// The board meets WCAG 2.1 AA contrast for all of its text, in both the
// desk and the wall themes, and every control can be reached by keyboard.
func TestBrowserContrastAndKeyboardReach(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleAnalyst) // an analyst also sees the operation form and its links
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Text: "sound system", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	tb.run(t, "annotate", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
		chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "seen", chromedp.ByQuery),
		chromedp.Click(`#hits li.hit form.annotate button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits li.hit .annotation`, chromedp.ByQuery),
		chromedp.WaitVisible(`#alerts li`, chromedp.ByQuery))
	for _, page := range []string{"/board/op1", "/board/op1?wall=1", "/operations", "/briefings", "/silences", "/operations/new", "/operations/op1/edit", "/referrals", "/referrals/new", "/evidence", "/evidence/capture"} {
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
	// every button, link and field of the board can take the keyboard focus
	var unreachable []string
	tb.run(t, "keyboard reach", chromedp.Navigate(base+"/board/op1"), chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('button, a[href], input, select, textarea')).filter(e => e.offsetParent && e.tabIndex < 0).map(e => e.outerHTML.slice(0, 60))`, &unreachable))
	if len(unreachable) > 0 {
		t.Errorf("controls out of the tab order: %v", unreachable)
	}
	_ = fmt.Sprint
}

// axeJS runs axe-core on the page and returns its serious and critical
// violations, each with where it is.
const axeJS = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.map(v => v.impact + " " + v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`

// Every page of the console passes axe-core with no serious or critical
// violation, for every role that can open it, signed out too. (An admin
// sees an analyst's pages, navigation and controls.)
func TestBrowserAxeEveryPage(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core (pinned in package.json): %v", err)
	}
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	roles := []watch.Role{watch.RoleViewer, watch.RoleOfficer, watch.RoleAnalyst}
	for _, r := range roles {
		addUser(t, a, "u-"+string(r), r)
	}
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Text: "sound system", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	analyst := signInHTTP(t, base, "u-analyst")
	analyst.PostForm(t, "/briefings/generate", url.Values{"operation": {"op1"}})
	vs, err := a.store.Briefings(context.Background(), "op1")
	if err != nil || len(vs) == 0 {
		t.Fatalf("briefing: %v %v", vs, err)
	}
	// a referral (of the feed, which the test may fetch) for the referral pages
	if _, err := a.evidence.Capture(context.Background(), evidence.CaptureRequest{URL: feed.url, By: "u-analyst", Note: "before referral"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.referrals.Refer(context.Background(), referrals.NewReferral{Platform: "other", URL: feed.url, HitID: 1, By: "u-analyst"}); err != nil {
		t.Fatal(err)
	}
	// evidence: capture 2 is exhibit AN/1 of a case the officer is in charge of, capture 3 no exhibit
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/evidence/captures", url.Values{"url": {feed.url + "?1"}, "note": {"the feed, for the record"}}},
		{"/evidence/captures", url.Values{"url": {feed.url + "?2"}, "note": {"again"}}},
		{"/evidence/cases", url.Values{"reference": {"42/1"}, "officer": {"u-officer"}, "purpose": {"s.4 POA"}}},
		{"/evidence/exhibits", url.Values{"case": {"1"}, "capture": {"2"}, "producer": {"Ann Nolan"}}},
	} {
		if code, body := analyst.PostForm(t, step.path, step.form); code != http.StatusSeeOther {
			t.Fatalf("%s: HTTP %d %s", step.path, code, body)
		}
	}
	type pg struct {
		path  string
		min   watch.Role
		ready string
	}
	pages := []pg{
		{"/board/op1", watch.RoleViewer, `#hits li.hit`},
		{"/board/op1?wall=1", watch.RoleViewer, `#hits li.hit`},
		{"/board/op1?q=rave", watch.RoleViewer, `#results li.result`},
		{"/operations", watch.RoleViewer, `main`},
		{"/operations/new", watch.RoleAnalyst, `form`},
		{"/operations/op1/note", watch.RoleAnalyst, `form`},
		{"/watchlists", watch.RoleAnalyst, `main`},
		{"/sources", watch.RoleAnalyst, `#sources-table tbody tr`},
		{"/silences", watch.RoleOfficer, `main`},
		{"/briefings", watch.RoleViewer, `main`},
		{fmt.Sprintf("/briefings/%d", vs[0].ID), watch.RoleOfficer, `body.briefing[data-charts="drawn"]`},
		{"/referrals", watch.RoleOfficer, `#referral-ledger`},
		{"/referrals/new?hit=1", watch.RoleOfficer, `#referral-form`},
		{"/referrals/1", watch.RoleOfficer, `#referral-change`},
		{"/evidence", watch.RoleOfficer, `main`},
		{"/evidence/capture", watch.RoleAnalyst, `#capture-form`},
		{"/evidence/captures/3", watch.RoleAnalyst, `#capture-facts`},
		{"/evidence/cases/1", watch.RoleOfficer, `#case-facts`},
		{"/evidence/exhibits/1", watch.RoleOfficer, `#capture-facts`},
		{"/board/nosuch", watch.RoleViewer, `main`}, // the error page
	}
	check := func(tb *tab, who, path, ready string) {
		t.Helper()
		var bad []string
		tb.run(t, who+" "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(ready, chromedp.ByQuery),
			chromedp.Evaluate(string(src), nil),
			chromedp.Evaluate(axeJS, &bad, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		for _, b := range bad {
			t.Errorf("%s %s: %s", who, path, b)
		}
	}
	for _, r := range roles {
		tb := newTab(t)
		tb.signIn(t, base, "u-"+string(r), "op1")
		for _, p := range pages {
			if r.AtLeast(p.min) {
				check(tb, string(r), p.path, p.ready)
			}
		}
	}
	// the admin's own pages (the pages above look the same to an admin
	// as to an analyst)
	addUser(t, a, "u-admin", watch.RoleAdmin)
	admin := newTab(t)
	admin.signIn(t, base, "u-admin", "op1")
	for _, p := range []pg{{"/retention", watch.RoleAdmin, `#classes`}} {
		check(admin, "admin", p.path, p.ready)
	}
	check(newTab(t), "signed out", "/login", `#username`)
}
