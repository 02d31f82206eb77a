package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// wallLayout is what the wall test measures in the page.
type wallLayout struct {
	ScrollH, ScrollW, InnerH, InnerW float64
	ScrollY                          float64
	Shown, Cards                     int
	NewestShown                      bool
	Outside                          []string
	MinFont                          float64
	MinFontOf                        string
	TitleFont, TextFont              float64
	AlertTop, OpTop, HitsTop         float64
	Firing, FiringShown              int
	Clipped                          []string
	AlertsMore                       string
}

// wallConfig has rules enough for more firing alerts on op1's board than
// the wall's strip holds, and a source that fails.
const wallConfig = `
server:
  data_dir: %q
fetch:
  allow_private: ["127.0.0.1/32"]
sources:
  - id: local
    kind: feed
    url: %q
    schedule: "@every 1h"
  - id: broken
    kind: feed
    url: %q
    schedule: "@every 1h"
watchlists:
  - id: ume
    name: Unlicensed music events
    terms: ["rave", "free party"]
    severity: high
operations:
  - id: op1
    name: Summer rave
    start: 2026-11-28T18:00:00Z
    end: 2026-11-29T04:00:00Z
    watchlists: [ume]
    place: Clapham Common
alerts:
  - {id: ume-hit, name: UME hit, kind: severity, severity: high}
  - {id: busy, name: "Busy: 10 hits in an hour", kind: count, threshold: 10, window: 1h}
  - {id: busier, name: "Busier: 40 hits in an hour", kind: count, threshold: 40, window: 1h}
  - {id: busiest, name: "Busiest: 50 hits in an hour", kind: count, threshold: 50, window: 1h}
  - {id: down, name: A source is down, kind: source_failing, threshold: 1}
`

// measureWallJS measures the wall as a person across the room sees it:
// whether the document can scroll, what lies outside the viewport, and
// the smallest text on screen.
const measureWallJS = `(() => {
  const de = document.documentElement, vw = innerWidth, vh = innerHeight;
  const r = {ScrollH: de.scrollHeight, ScrollW: de.scrollWidth, InnerH: vh, InnerW: vw, ScrollY: scrollY, Outside: [], MinFont: 1e9, MinFontOf: ""};
  const visible = e => { const s = getComputedStyle(e); const b = e.getBoundingClientRect();
    return s.display !== "none" && s.visibility !== "hidden" && b.width > 0 && b.height > 0 && !e.closest("[hidden]"); };
  const inside = b => b.top >= -0.5 && b.left >= -0.5 && b.bottom <= vh + 0.5 && b.right <= vw + 0.5;
  const cards = Array.from(document.querySelectorAll("#hits li.hit")).filter(visible);
  r.Cards = document.querySelectorAll("#hits li.hit").length;
  r.Shown = cards.length;
  const ids = Array.from(document.querySelectorAll("#hits li.hit")).flatMap(c => (c.dataset.hits || "").split(" ").map(Number));
  const newest = Math.max(...ids);
  r.NewestShown = cards.some(c => (c.dataset.hits || "").split(" ").map(Number).includes(newest));
  const important = cards.concat(Array.from(document.querySelectorAll("#opstate, #alerts li.state-firing, .boardhead h1")).filter(visible));
  important.forEach(e => { if (!inside(e.getBoundingClientRect())) r.Outside.push((e.id || e.className) + " " + JSON.stringify(e.getBoundingClientRect())); });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim()) continue;
    const e = n.parentElement;
    if (!e || !visible(e) || !inside(e.getBoundingClientRect())) continue;
    const f = parseFloat(getComputedStyle(e).fontSize);
    if (f < r.MinFont) { r.MinFont = f; r.MinFontOf = e.tagName + "." + e.className + ": " + n.textContent.trim().slice(0, 30); }
  }
  const t = cards[0] && cards[0].querySelector(".title"), x = cards[0] && cards[0].querySelector(".meta");
  r.TitleFont = t ? parseFloat(getComputedStyle(t).fontSize) : 0;
  r.TextFont = x ? parseFloat(getComputedStyle(x).fontSize) : 0;
  const top = sel => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect().top : -1; };
  r.AlertTop = top("#alerts li.state-firing"); r.OpTop = top("#opstate"); r.HitsTop = top("#hits");
  r.Firing = document.querySelectorAll("#alerts li.state-firing").length;
  r.FiringShown = Array.from(document.querySelectorAll("#alerts li.state-firing")).filter(visible).length;
  r.AlertsMore = document.getElementById("alerts-more").hidden ? "" : document.getElementById("alerts-more").textContent;
  // shown but cut by the box it is in: a card by the grid, an alert by its strip
  r.Clipped = [];
  const within = (e, box) => { const b = e.getBoundingClientRect(), c = box.getBoundingClientRect();
    return b.top >= c.top - 0.5 && b.bottom <= c.bottom + 0.5 && b.left >= c.left - 0.5 && b.right <= c.right + 0.5; };
  cards.forEach(c => { if (!within(c, document.getElementById("hits"))) r.Clipped.push("hit " + c.dataset.hit); });
  Array.from(document.querySelectorAll("#alerts li")).filter(visible).forEach(a => {
    if (!within(a, document.getElementById("alerts")) || a.scrollHeight > a.clientHeight + 1) r.Clipped.push(a.id); });
  return r;
})()`

// The wall is a fixed layout: at 1920×1080 and 3840×2160 the document
// never scrolls, the operation's state and the firing alerts are at the
// top, the newest hits fill a grid below, nothing that is shown lies
// outside the screen, and no text is smaller than 2.25% of the screen's
// height (24 px at 1080 lines; titles larger still).
func TestBrowserWallLayout(t *testing.T) {
	feed, broken := newFeedServer(t), newFeedServer(t)
	broken.setFail(500)
	a, base, _ := startAppYAML(t, fmt.Sprintf(wallConfig, tempDataDir(t), feed.url, broken.url), "127.0.0.1:0")
	addUser(t, a, "pc1", watch.RoleOfficer)
	if err := a.pollNow(context.Background(), "broken"); err == nil {
		t.Fatal("the broken source answered")
	}
	for i := range 60 {
		feed.add(feedItem{GUID: fmt.Sprint("w", i), Title: fmt.Sprintf("Rave number %d: a long title that a person across the room must still read", i),
			Text: "Sound system and a free party at the old warehouse, people coming from across the borough tonight", Link: fmt.Sprintf("https://example.org/w/%d", i)})
	}
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.screenshotOnFailure(t, "wall")
	tb.signIn(t, base, "pc1", "op1")
	for _, size := range []struct{ w, h int64 }{{1920, 1080}, {3840, 2160}} {
		var m wallLayout
		tb.run(t, fmt.Sprintf("wall at %dx%d", size.w, size.h), chromedp.EmulateViewport(size.w, size.h),
			chromedp.Navigate(base+"/board/op1?wall=1"),
			chromedp.WaitVisible(`body.wall #hits li.hit`, chromedp.ByQuery),
			chromedp.WaitReady(`#alerts li.state-firing:nth-child(4)`, chromedp.ByQuery),
			chromedp.WaitReady(`#board[data-wall-shown]`, chromedp.ByQuery),
			// a wall that scrolled by itself would have moved within two seconds
			chromedp.Evaluate(`new Promise(r => setTimeout(r, 2000))`, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
			chromedp.Evaluate(measureWallJS, &m))
		t.Logf("%dx%d: %d of %d cards and %d of %d firing alerts shown, smallest text %.1f px (%s), title %.1f px, meta %.1f px",
			size.w, size.h, m.Shown, m.Cards, m.FiringShown, m.Firing, m.MinFont, m.MinFontOf, m.TitleFont, m.TextFont)
		if m.ScrollH > m.InnerH || m.ScrollW > m.InnerW || m.ScrollY != 0 {
			t.Errorf("%dx%d: the document scrolls: %+v", size.w, size.h, m)
		}
		if len(m.Clipped) > 0 {
			t.Errorf("%dx%d: shown but cut off: %v", size.w, size.h, m.Clipped)
		}
		if m.FiringShown < m.Firing && m.AlertsMore != fmt.Sprintf("and %d more firing", m.Firing-m.FiringShown) {
			t.Errorf("%dx%d: %d of %d firing alerts shown, and the wall says %q", size.w, size.h, m.FiringShown, m.Firing, m.AlertsMore)
		}
		if len(m.Outside) > 0 {
			t.Errorf("%dx%d: shown but outside the screen: %v", size.w, size.h, m.Outside)
		}
		if m.Shown < 9 || !m.NewestShown {
			t.Errorf("%dx%d: %d hits shown (want at least 9, the newest among them: %v)", size.w, size.h, m.Shown, m.NewestShown)
		}
		minFont := 0.0225 * float64(size.h) * 0.98
		if m.MinFont < minFont || m.TitleFont < 1.3*minFont || m.TitleFont <= m.TextFont {
			t.Errorf("%dx%d: smallest text %.1f px (%s), title %.1f px, meta %.1f px; want at least %.1f px and titles larger",
				size.w, size.h, m.MinFont, m.MinFontOf, m.TitleFont, m.TextFont, minFont)
		}
		if m.Firing == 0 || !(m.OpTop >= 0 && m.OpTop < m.AlertTop && m.AlertTop < m.HitsTop) {
			t.Errorf("%dx%d: want the operation's state, then the firing alerts, then the hits: %+v", size.w, size.h, m)
		}
	}
}
