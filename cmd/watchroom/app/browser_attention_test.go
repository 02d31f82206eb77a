package app

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// New hits draw attention: the unread count in the tab's title (while the
// page is hidden, and while paused), a brief highlight (still when the
// person prefers reduced motion), a polite announcement, and, as the
// person chose (kept on the server), a tone and a desktop notification.
func TestBrowserAttention(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	tb := newTab(t)
	tb.screenshotOnFailure(t, "attention")
	tb.run(t, "focus and notifications", emulation.SetFocusEmulationEnabled(true),
		browser.SetPermission(&browser.PermissionDescriptor{Name: "notifications"}, browser.PermissionSettingGranted).WithOrigin(base))
	tb.signIn(t, base, "pc1", "op1")

	// choose a tone and a notification for high hits, from the keyboard
	tb.run(t, "choose", chromedp.Click(`#attention summary`, chromedp.ByQuery),
		chromedp.Focus(`#attention input[data-pref=sound][value=high]`, chromedp.ByQuery), chromedp.KeyEvent(" "),
		chromedp.WaitVisible(`#board[data-prefs*="high"]`, chromedp.ByQuery),
		chromedp.Click(`#attention input[data-pref=notify][value=high]`, chromedp.ByQuery),
		chromedp.WaitReady(`#board[data-prefs*='"notify":["high"]']`, chromedp.ByQuery))
	u, err := a.store.UserByName(ctx, "pc1")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := a.store.BoardPrefs(ctx, u.ID); err != nil || fmt.Sprint(p.Sound, p.Notify) != "[high] [high]" {
		t.Fatalf("stored prefs %+v, %v", p, err)
	}
	// kept on the server: another page load shows them
	var checked []string
	tb.run(t, "reload", chromedp.Reload(), chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
		chromedp.WaitReady(`#board[data-prefs]`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#attention input:checked")).map(e => e.dataset.pref + ":" + e.value)`, &checked))
	if strings.Join(checked, " ") != "sound:high notify:high" {
		t.Fatalf("after a reload %v are checked", checked)
	}

	// the person looks elsewhere: the page is hidden
	var title, baseTitle string
	tb.run(t, "hide", chromedp.Title(&baseTitle),
		chromedp.Evaluate(`Object.defineProperty(document, "hidden", {configurable: true, get: () => true}); true`, nil))
	feed.add(feedItem{GUID: "a1", Title: "Rave tonight", Link: "https://example.org/a1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Fresh      bool
		Animation  string
		Announce   string
		Tones      string
		LastTone   string
		Notified   string
		AriaLive   string
		NoteMotion string
	}
	const state = `(() => { const c = document.querySelector("#hits li.hit"), b = document.getElementById("board");
  return {Fresh: c.classList.contains("fresh"), Animation: getComputedStyle(c).animationName, Announce: document.getElementById("announce").textContent,
    Tones: b.dataset.tones || "", LastTone: b.dataset.lastTone || "", Notified: b.dataset.notified || "", AriaLive: document.getElementById("announce").getAttribute("aria-live")}; })()`
	tb.run(t, "hidden hit", chromedp.WaitReady(`#board[data-unread="1"]`, chromedp.ByQuery), chromedp.Title(&title),
		chromedp.WaitReady(`#board[data-tones]`, chromedp.ByQuery),
		chromedp.Poll(`document.getElementById("announce").textContent !== ""`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(state, &r))
	if title != "(1) "+baseTitle {
		t.Fatalf("title %q, want the unread count before %q", title, baseTitle)
	}
	if !r.Fresh || r.Animation != "hit-arrive" || r.Announce != "1 new hit, 1 high" || r.AriaLive != "polite" {
		t.Fatalf("highlight and announcement: %+v", r)
	}
	if r.Tones != "1" || r.LastTone != "high" || r.Notified != "1" {
		t.Fatalf("tone and notification: %+v", r)
	}
	// with reduced motion the highlight stays but does not move
	tb.run(t, "reduced motion", emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}),
		chromedp.Evaluate(state, &r))
	if !r.Fresh || r.Animation != "none" {
		t.Fatalf("with reduced motion: %+v", r)
	}
	// the person looks again: the count goes
	tb.run(t, "look", chromedp.Evaluate(`delete document.hidden; document.dispatchEvent(new Event("visibilitychange")); true`, nil),
		chromedp.WaitReady(`#board[data-unread="0"]`, chromedp.ByQuery), chromedp.Title(&title))
	if title != baseTitle {
		t.Fatalf("title %q once seen", title)
	}
	// paused, the hits waiting are counted in the title
	tb.run(t, "pause", chromedp.KeyEvent("p"), chromedp.WaitReady(`#board[data-paused="yes"]`, chromedp.ByQuery))
	feed.add(feedItem{GUID: "a2", Title: "Another rave", Link: "https://example.org/a2"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "paused hit", chromedp.WaitReady(`#board[data-unread="1"]`, chromedp.ByQuery), chromedp.Title(&title))
	if title != "(1) "+baseTitle {
		t.Fatalf("title while paused %q", title)
	}
	tb.run(t, "resume", chromedp.KeyEvent("p"), chromedp.WaitReady(`#board[data-unread="0"]`, chromedp.ByQuery), chromedp.Title(&title))
	if title != baseTitle {
		t.Fatalf("title after resuming %q", title)
	}
}
