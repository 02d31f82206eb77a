package app

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

const placedConfig = `
server:
  data_dir: %q
fetch:
  allow_private: ["127.0.0.1/32"]
sources:
  - id: local
    kind: feed
    url: %q
    schedule: "@every 1h"
watchlists:
  - id: ume
    name: Unlicensed music events
    terms: ["rave"]
operations:
  - id: common
    name: Rave on the common
    start: %q
    end: %q
    watchlists: [ume]
    place: "Clapham Common"
    lat: 51.4613
    lon: -0.1466
    radius_m: 800
`

// The board's header says where and when the operation is, its phase and
// a countdown; the map shows the operation's radius and the hits that
// carry a place over the embedded outline (no tile server configured),
// under the strict CSP with nothing refused.
func TestBrowserHeaderAndMap(t *testing.T) {
	feed := newFeedServer(t)
	start := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	a, base, _ := startAppYAML(t, fmt.Sprintf(placedConfig, tempDataDir(t), feed.url,
		start.Format(time.RFC3339), start.Add(6*time.Hour).Format(time.RFC3339)), "127.0.0.1:0")
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	// hits with a place: one naming the operation's place, one with coordinates
	for i, loc := range []string{"Clapham Common, by the bandstand", "51.4700, -0.1500"} {
		it := watch.Item{SourceID: "local", Key: fmt.Sprint("placed-", i), Title: fmt.Sprint("Rave ", i), Found: time.Now(), Location: loc}
		if _, _, err := a.store.RecordItem(ctx, it, []watch.Hit{{ListID: "ume", Operations: []string{"common"}}}); err != nil {
			t.Fatal(err)
		}
	}
	tb := newTab(t)
	tb.screenshotOnFailure(t, "map")
	tb.run(t, "watch the CSP", chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(`window.cspRefused = []; document.addEventListener("securitypolicyviolation", e => window.cspRefused.push(e.violatedDirective + " " + e.blockedURI));`).Do(ctx)
		return err
	}))
	tb.run(t, "screen", chromedp.EmulateViewport(1366, 768))
	tb.signIn(t, base, "pc1", "common")
	var h struct{ Place, Phase, Label, Countdown, Times string }
	tb.run(t, "header", chromedp.WaitVisible(`#opstate`, chromedp.ByID),
		chromedp.Evaluate(`({Place: document.getElementById("op-place").textContent, Phase: document.getElementById("op-phase").textContent,
  Label: document.getElementById("op-countdown-label").textContent, Countdown: document.getElementById("op-countdown").textContent,
  Times: document.getElementById("op-times").textContent})`, &h))
	if h.Place != "Clapham Common" || h.Phase != "imminent" || h.Label != "Starts in" || !regexp.MustCompile(`^0[12]:[0-5]\d:[0-5]\d$`).MatchString(h.Countdown) || h.Times == "" {
		t.Fatalf("header %+v", h)
	}
	var m struct {
		Base                      string
		Ops, Hits, Paths, Outline int
		Height                    float64
		Refused                   []string
		InMap                     bool
	}
	const measure = `(() => { const el = document.getElementById("map"); el.scrollIntoView({block: "center"}); const b = el.getBoundingClientRect();
  return {Base: el.dataset.Base || "", Ops: Number(el.dataset.operations), Hits: Number(el.dataset.hits), Height: b.height,
    Paths: el.querySelectorAll("path.leaflet-interactive").length, Outline: el.querySelectorAll(".leaflet-pane path:not(.leaflet-interactive)").length,
    Refused: window.cspRefused, InMap: Array.from(el.querySelectorAll("path.map-op")).every(p => { const r = p.getBoundingClientRect();
      // inside the map, and drawn above the land outline (which takes no clicks, so elementFromPoint cannot tell)
      const land = el.querySelector(".leaflet-pane path:not(.leaflet-interactive)");
      const lp = land && land.closest(".leaflet-pane"), pp = p.closest(".leaflet-pane");
      const above = !land || lp === pp ? !(p.compareDocumentPosition(land) & Node.DOCUMENT_POSITION_FOLLOWING)
        : Number(getComputedStyle(lp).zIndex) < Number(getComputedStyle(pp).zIndex);
      return r.width > 0 && r.left >= b.left && r.right <= b.right && r.top >= b.top && r.bottom <= b.bottom && above; })}; })()`
	tb.run(t, "map", chromedp.WaitReady(`#map[data-loaded="yes"][data-base="outline"]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#map .leaflet-pane path:not(.leaflet-interactive)").length > 0`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(measure, &m))
	// the radius, the operation's point, two hits
	if m.Ops != 1 || m.Hits != 2 || m.Paths != 4 || m.Outline == 0 || m.Height < 200 || !m.InMap {
		t.Fatalf("map %+v", m)
	}
	if len(m.Refused) != 0 || tb.errors.Load() != 0 {
		t.Fatalf("the CSP refused %v; %d page errors", m.Refused, tb.errors.Load())
	}
	// the operations page has the map too
	tb.run(t, "operations page", chromedp.Navigate(base+"/operations"),
		chromedp.WaitReady(`#map[data-loaded="yes"]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#map .leaflet-pane path:not(.leaflet-interactive)").length > 0`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(measure, &m))
	if m.Ops != 1 || len(m.Refused) != 0 || !m.InMap {
		t.Fatalf("operations page map %+v", m)
	}
}
