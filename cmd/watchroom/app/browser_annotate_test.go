package app

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Two officers annotate the same hit at the same moment: both annotations
// are kept and shown on both boards. Flag (keyboard f) and escalate (the
// form) show their kind everywhere.
func TestBrowserConcurrentAnnotationsAndKinds(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "op1")
	feed.add(feedItem{GUID: "g1", Title: "Rave under the bridge", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		tb.run(t, "hit", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))
	}
	// both type, then both submit at once
	one.run(t, "type 1", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "From pc1", chromedp.ByQuery))
	two.run(t, "type 2", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "From pc2", chromedp.ByQuery))
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, tb := range []*tab{one, two} {
		wg.Add(1)
		go func(tb *tab) {
			defer wg.Done()
			// submitted as the button does, but not by a click at the
			// button's coordinates: the other officer's note arriving live
			// can move the button between locating it and clicking there
			errs <- chromedp.Run(tb.ctx, chromedp.Evaluate(`document.querySelector('#hits li.hit form.annotate').requestSubmit(
				document.querySelector('#hits li.hit form.annotate button[type=submit]'))`, nil))
		}(tb)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	watchtest.WaitFor(t, "both annotations stored", 20*time.Second, func() bool {
		v, err := a.store.Hit(context.Background(), 1)
		return err == nil && len(v.Annotations) == 2
	})
	for _, tb := range []*tab{one, two} {
		var notes string
		tb.run(t, "both annotations", chromedp.WaitVisible(`#hits li.hit .annotation:nth-child(2)`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit .annotation .note')).map(e => e.textContent).sort().join('|')`, &notes))
		if notes != "From pc1|From pc2" {
			t.Fatalf("notes %q", notes)
		}
	}
	// flag with the keyboard
	one.run(t, "flag", chromedp.KeyEvent("j"), chromedp.KeyEvent("f"))
	// escalate with the form
	two.run(t, "escalate", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SetValue(`#hits li.hit select[name=kind]`, "escalate", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#hits li.hit select[name=kind]').dispatchEvent(new Event('change'))`, nil),
		chromedp.WaitVisible(`#hits li.hit label.team`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit input[name=team]`, "Gangs Unit", chromedp.ByQuery),
		chromedp.Click(`#hits li.hit form.annotate button[type=submit]`, chromedp.ByQuery))
	for _, tb := range []*tab{one, two} {
		var kinds string
		tb.run(t, "kinds shown", chromedp.WaitVisible(`#hits li.hit[data-flagged="yes"] .annotation:nth-child(4)`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit .annotation .kind')).map(e => e.textContent.trim()).sort().join('|')`, &kinds))
		if kinds != "escalated to Gangs Unit|flagged for referral to the platform" {
			t.Fatalf("kinds %q", kinds)
		}
	}
	v, err := a.store.Hit(context.Background(), 1)
	if err != nil || len(v.Annotations) != 4 {
		t.Fatalf("stored %+v %v", v.Annotations, err)
	}
	got := []string{}
	for _, an := range v.Annotations {
		got = append(got, an.Kind)
	}
	if strings.Join(got[2:], ",") != "flag,escalate" || v.Annotations[3].Team != "Gangs Unit" {
		t.Fatalf("kinds stored %v", got)
	}
}

// An officer typing a note must not have the form slide away under them
// as the board lives on: new hits arriving above the card, another
// officer's note on it, a repost joining it. The form stays where it was
// on the screen, what was typed stays, and the card goes to the top of
// the board (where its newest hit belongs) once the form is closed.
func TestBrowserAnnotateFormStaysPutAsLiveChangesArrive(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	for i, title := range []string{"Rave at the arches", "Rave in the park", "Rave by the canal"} {
		feed.add(feedItem{GUID: fmt.Sprintf("g%d", i), Title: title, Author: "@crew", Link: fmt.Sprintf("https://example.org/%d", i)})
	}
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	// the oldest card, at the bottom: the form opens inside it
	var top0 float64
	tb.run(t, "open the form", chromedp.WaitVisible(`#hits li.hit:nth-child(3)`, chromedp.ByQuery),
		chromedp.Click(`#hits li.hit:nth-child(3) button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit:nth-child(3) textarea`, "Holding steady", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('form.annotate').getBoundingClientRect().top`, &top0))
	var hitID int64
	tb.run(t, "which hit", chromedp.Evaluate(`Number(document.querySelector('form.annotate').closest('li.hit').dataset.hits)`, &hitID))

	// six new posts above it, a repost of it, and a colleague's note on it
	for i := 3; i < 9; i++ {
		feed.add(feedItem{GUID: fmt.Sprintf("g%d", i), Title: fmt.Sprintf("Rave number %d", i), Author: "@other", Link: fmt.Sprintf("https://example.org/%d", i)})
	}
	feed.add(feedItem{GUID: "g-repost", Title: "Rave at the arches", Author: "@crew", Link: "https://example.org/repost"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Annotate(ctx, watch.Annotation{HitID: hitID, Kind: "note", Author: "pc2", Note: "Seen it too"}); err != nil {
		t.Fatal(err)
	}
	var shown bool
	tb.run(t, "everything shown", chromedp.Poll(`(() => { const f = document.querySelector('form.annotate'); const card = f && f.closest('li.hit');
		return !!card && document.querySelectorAll('#hits li.hit').length === 9 && card.querySelectorAll('.annotation').length === 1 &&
			card.dataset.hits.split(' ').length === 2; })()`, &shown))
	var state struct {
		Top   float64 `json:"top"`
		Typed string  `json:"typed"`
		Cards int     `json:"cards"`
		Notes string  `json:"notes"`
		Hits  string  `json:"hits"`
	}
	tb.run(t, "where the form is", chromedp.Evaluate(`(() => { const f = document.querySelector('form.annotate'); const card = f.closest('li.hit');
		return { top: f.getBoundingClientRect().top, typed: f.elements.note.value, cards: document.querySelectorAll('#hits li.hit').length,
			notes: Array.from(card.querySelectorAll('.annotation .note')).map(e => e.textContent).join('|'), hits: card.dataset.hits }; })()`, &state))
	if state.Cards != 9 || state.Notes != "Seen it too" || !strings.Contains(state.Hits, " ") {
		t.Fatalf("the live changes did not all arrive: %+v", state)
	}
	if d := state.Top - top0; d > 1 || d < -1 {
		t.Fatalf("the open form moved %.0f px on the screen as live changes arrived (%.0f -> %.0f)", d, top0, state.Top)
	}
	if state.Typed != "Holding steady" {
		t.Fatalf("typed text now %q", state.Typed)
	}
	// closed: the card takes its place at the top, with its repost
	var first string
	tb.run(t, "close", chromedp.Click(`form.annotate button.cancel`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#hits li.hit').dataset.hits`, &first))
	if first != state.Hits {
		t.Fatalf("first card after closing holds hits %q, want the reposted card's %q", first, state.Hits)
	}
}

// A note being typed when the officer's session ends (the board goes to
// the sign-in page) is not lost: signed in again, the board opens the form
// on the same card with the note as it was, and says it was not saved.
// Someone else signing in on the same tab never sees it.
func TestBrowserUnsavedNoteSurvivesTheSessionEnding(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	ctx := context.Background()
	feed.add(feedItem{GUID: "g1", Title: "Rave at the arches", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	const note = "Vehicle seen at the arches, index to follow"
	end := func(name string) {
		t.Helper()
		if _, err := a.store.RevokeSessions(ctx, name, "test"); err != nil {
			t.Fatal(err)
		}
		a.server.CloseEndedSessions(ctx)
	}
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	tb.run(t, "type a note", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
		chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, note, chromedp.ByQuery),
		chromedp.SetValue(`#hits li.hit select[name=kind]`, "flag", chromedp.ByQuery))
	end("pc1")
	tb.run(t, "sent to sign in", chromedp.WaitVisible("#username", chromedp.ByID))

	tb.signIn(t, base, "pc1", "op1")
	var back struct {
		Note, Kind, Says string
		Hit              string
	}
	var restored bool
	tb.run(t, "the note is back", chromedp.Poll(`(() => { const f = document.querySelector('form.annotate'); return !!f && !f.hidden && f.elements.note.value.length > 0; })()`, &restored),
		chromedp.Evaluate(`(() => { const f = document.querySelector('form.annotate'); return { Note: f.elements.note.value, Kind: f.elements.kind.value,
			Says: f.querySelector('.formerror').textContent, Hit: f.closest('li.hit').dataset.hits }; })()`, &back))
	if back.Note != note || back.Kind != "flag" || back.Hit != "1" || !strings.Contains(back.Says, "not saved") {
		t.Fatalf("after signing in again: %+v", back)
	}

	// the session ends again with the note still unsaved; someone else
	// signs in on this tab
	end("pc1")
	tb.run(t, "sent to sign in again", chromedp.WaitVisible("#username", chromedp.ByID))
	tb.signIn(t, base, "pc2", "op1")
	var open bool
	var kept int
	tb.run(t, "pc2's board", chromedp.Evaluate(`!!document.querySelector('form.annotate:not([hidden])')`, &open),
		chromedp.Evaluate(`Object.keys(sessionStorage).filter(k => k.startsWith('watchroom:note:')).length`, &kept))
	if open || kept != 0 {
		t.Fatalf("pc2 signed in on the same tab: a form open %v, %d notes of others kept", open, kept)
	}
	// a note kept as the page hides is forgotten once it is saved
	var before int
	tb.run(t, "annotate", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "From pc2", chromedp.ByQuery),
		chromedp.Evaluate(`window.dispatchEvent(new Event('pagehide')); Object.keys(sessionStorage).filter(k => k.startsWith('watchroom:note:')).length`, &before),
		chromedp.Evaluate(`document.querySelector('#hits li.hit form.annotate').requestSubmit(document.querySelector('#hits li.hit form.annotate button[type=submit]'))`, nil))
	// (the page is not really hidden: the board's socket closed with the
	// event, so the form closing says the note was saved)
	var saved bool
	tb.run(t, "saved", chromedp.Poll(`document.querySelector('form.annotate').hidden`, &saved, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Evaluate(`Object.keys(sessionStorage).filter(k => k.startsWith('watchroom:note:')).length`, &kept))
	if before != 1 || kept != 0 {
		t.Fatalf("notes kept: %d as the page hid (want 1), %d after the note was saved (want 0)", before, kept)
	}
	if v, err := a.store.Hit(ctx, 1); err != nil || len(v.Annotations) != 1 || v.Annotations[0].Note != "From pc2" {
		t.Fatalf("stored: %+v, %v", v.Annotations, err)
	}
}
