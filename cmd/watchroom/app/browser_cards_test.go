package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// twoListsConfig is the end-to-end config with a second watch list, so
// one post can be a hit on two lists.
const twoListsConfig = `
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
    terms: ["rave", "free party"]
    severity: high
  - id: venues
    name: Venues
    terms: ["warehouse"]
    severity: critical
operations:
  - id: op1
    name: Summer rave
    start: 2026-11-28T18:00:00Z
    end: 2026-11-29T04:00:00Z
    watchlists: [ume, venues]
`

// Cards are compact: at 1366×768 a card is one line of meta, a title and
// two lines of text, so several fit on the screen; actions show on
// focus or hover; one annotate panel serves the board; its Team field
// shows only for an escalation.
func TestBrowserCompactCards(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	for i := range 12 {
		feed.add(feedItem{GUID: fmt.Sprint("c", i), Title: fmt.Sprintf("Rave %d at the old depot", i),
			Text: strings.Repeat("Sound system and lights, everyone from the estate is coming, bring water. ", 6), Link: fmt.Sprintf("https://example.org/c/%d", i)})
	}
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.screenshotOnFailure(t, "cards")
	tb.run(t, "small screen", chromedp.EmulateViewport(1366, 768))
	tb.signIn(t, base, "pc1", "op1")
	var m struct {
		Heights       []float64
		InView        int
		InViewAtTop   int
		Forms         int
		ActionOpacity string
	}
	tb.run(t, "measure", chromedp.WaitVisible(`#hits li.hit:nth-child(12)`, chromedp.ByQuery),
		chromedp.Evaluate(`(() => {
  const cards = Array.from(document.querySelectorAll("#hits li.hit"));
  const inView = () => cards.filter(c => { const b = c.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }).length;
  const r = {Heights: cards.map(c => c.getBoundingClientRect().height), InViewAtTop: inView(), Forms: document.querySelectorAll("form.annotate").length,
    ActionOpacity: getComputedStyle(cards[1].querySelector(".actions")).opacity};
  document.getElementById("hits").scrollIntoView({block: "start"});
  r.InView = inView();
  return r;
})()`, &m))
	t.Logf("card heights %v; %d cards on screen from the top of the page, %d with the list at the top", m.Heights, m.InViewAtTop, m.InView)
	for _, h := range m.Heights {
		if h > 130 {
			t.Fatalf("a card is %.0f px tall, want at most 130 (heights %v)", h, m.Heights)
		}
	}
	// from the top of the page the navigation (two rows), the header and the
	// tools come first
	if m.InView < 5 || m.InViewAtTop < 2 {
		t.Fatalf("%d whole cards on a 1366x768 screen (%d from the top of the page), want at least 5 (2)", m.InView, m.InViewAtTop)
	}
	if m.Forms != 0 || m.ActionOpacity != "0" {
		t.Fatalf("before any action: %d annotate forms, actions' opacity %s; want none shown", m.Forms, m.ActionOpacity)
	}

	// one panel: opened on one card, then another, it moves
	var forms int
	var focusedOpacity, teamNote, teamEscalate string
	tb.run(t, "panel", chromedp.Click(`#hits li.hit:nth-child(1) button.annotate-open`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits li.hit:nth-child(1) form.annotate`, chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("#hits li.hit:nth-child(1) .actions")).opacity`, &focusedOpacity),
		chromedp.Click(`#hits li.hit:nth-child(3) button.annotate-open`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits li.hit:nth-child(3) form.annotate`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("form.annotate").length`, &forms),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("form.annotate label.team")).display`, &teamNote),
		chromedp.SetValue(`form.annotate select[name=kind]`, "escalate", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('form.annotate select[name=kind]').dispatchEvent(new Event('change'))`, nil),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("form.annotate label.team")).display`, &teamEscalate))
	if forms != 1 {
		t.Fatalf("%d annotate forms, want one panel", forms)
	}
	if focusedOpacity != "1" {
		t.Fatalf("the actions of a card with the focus in it have opacity %s", focusedOpacity)
	}
	if teamNote != "none" || teamEscalate == "none" {
		t.Fatalf("Team field display: %q for a note (want none), %q for an escalation", teamNote, teamEscalate)
	}
}

// One post is one card: the hits of one item on two lists, and a repost
// of the same words by the same author (another link, an emoji), share a
// card that names every list. An annotation or a claim from the card
// applies to each of its hits; the card shows the annotation once.
func TestBrowserClusters(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startAppYAML(t, fmt.Sprintf(twoListsConfig, tempDataDir(t), feed.url), "127.0.0.1:0")
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	tb := newTab(t)
	tb.screenshotOnFailure(t, "clusters")
	tb.signIn(t, base, "pc1", "op1")
	feed.add(feedItem{GUID: "p1", Title: "Free party at the warehouse", Text: "Saturday, bring everyone", Link: "https://example.org/p/1", Author: "@southside"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	feed.add(feedItem{GUID: "p2", Title: "Bake sale", Text: "a rave of cakes", Link: "https://example.org/p/2", Author: "@parish"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	feed.add(feedItem{GUID: "p3", Title: "FREE PARTY at the warehouse!!", Text: "Saturday, bring everyone 🔊 https://t.example/x", Link: "https://example.org/p/3", Author: "@southside"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	var c struct {
		Cards       int
		Hits, Lists string
		Repeat      string
		Top         string
	}
	tb.run(t, "clustered", chromedp.WaitReady(`#hits li.hit[data-hits~="5"]`, chromedp.ByQuery),
		chromedp.Evaluate(`(() => { const c = document.querySelector('#hits li.hit[data-hits~="5"]');
  return {Cards: document.querySelectorAll("#hits li.hit").length, Hits: c.dataset.hits, Lists: c.querySelector(".list").textContent,
    Repeat: c.querySelector(".repeat").hidden ? "" : c.querySelector(".repeat").textContent, Top: document.querySelector("#hits li.hit").dataset.hits}; })()`, &c))
	// hits: 1 and 2 (p1 on ume and venues), 3 (p2 on ume), 4 and 5 (p3)
	if c.Cards != 2 || c.Hits != "5 4 2 1" || c.Lists != "ume, venues" && c.Lists != "venues, ume" || c.Repeat != "posted 2 times" || c.Top != c.Hits {
		t.Fatalf("cards %+v; want 2 cards, the repost's on top with hits 5 4 2 1 on both lists, posted 2 times", c)
	}

	tb.run(t, "annotate the card", chromedp.Click(`#hits li.hit:first-child button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit:first-child form.annotate textarea`, "Known promoter", chromedp.ByQuery),
		chromedp.Click(`#hits li.hit:first-child form.annotate button[type=submit]`, chromedp.ByQuery))
	watchtest.WaitFor(t, "an annotation on each hit of the card", stepTimeout, func() bool {
		for _, id := range []int64{1, 2, 4, 5} {
			if v, err := a.store.Hit(ctx, id); err != nil || len(v.Annotations) != 1 || v.Annotations[0].Note != "Known promoter" {
				return false
			}
		}
		return true
	})
	if v, _ := a.store.Hit(ctx, 3); len(v.Annotations) != 0 {
		t.Fatal("the other card's hit was annotated too")
	}
	var shown int
	tb.run(t, "shown once", chromedp.WaitVisible(`#hits li.hit:first-child .annotation`, chromedp.ByQuery),
		// the annotations of the last hits may still be on their way
		chromedp.Evaluate(`new Promise(r => setTimeout(r, 500))`, nil, awaitPromise),
		chromedp.Evaluate(`document.querySelectorAll("#hits li.hit:first-child .annotation").length`, &shown))
	if shown != 1 {
		t.Fatalf("the card shows the annotation %d times", shown)
	}
	tb.run(t, "claim the card", chromedp.Click(`#hits li.hit:first-child button.claim-toggle`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits li.hit:first-child[data-claimed-by="pc1"]`, chromedp.ByQuery))
	watchtest.WaitFor(t, "a claim on each hit of the card", stepTimeout, func() bool { return len(a.hub.Claims()) == 4 })
}
