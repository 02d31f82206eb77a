package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const summerFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title><link>http://example.org/</link>
<item><guid>s1</guid><title>Rave in the park tonight</title><description>bring a speaker</description><link>https://example.org/s1</link>
<pubDate>Sat, 27 Jun 2026 10:00:00 +0000</pubDate></item></channel></rss>`

// Two officers on one board see each other in "Watching this board"; one
// claims a hit with the keyboard and the other sees "claimed by" live, then
// sees it cleared when it is released with the button; one leaving the
// board disappears from the other's list. Times are stored in UTC and shown
// in the control room's zone (Europe/London by default).
func TestBrowserPresenceAndClaims(t *testing.T) {
	feed := newFeedServer(t)
	feed.raw = []byte(summerFeed)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "op1")
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		tb.run(t, "hit and presence", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
			chromedp.WaitVisible(`#presence li[data-name="pc1"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`#presence li[data-name="pc2"]`, chromedp.ByQuery))
	}
	var who string
	one.run(t, "presence list", chromedp.Evaluate(`Array.from(document.querySelectorAll('#presence li')).map(e => e.textContent).join('|')`, &who))
	if who != "pc1 officer (you)|pc2 officer" {
		t.Fatalf("presence %q", who)
	}

	// stored in UTC, shown in Europe/London (summer time: one hour ahead)
	v, err := a.store.Hit(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.Item.Published.Location() != time.UTC || !v.Item.Published.Equal(time.Date(2026, 6, 27, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("stored published %v", v.Item.Published)
	}
	var shown, iso, zone string
	two.run(t, "published time", chromedp.Text(`#hits li.hit time.published`, &shown, chromedp.ByQuery),
		chromedp.AttributeValue(`#hits li.hit time.published`, "datetime", &iso, nil, chromedp.ByQuery),
		chromedp.AttributeValue(`#board`, "data-tz", &zone, nil, chromedp.ByQuery))
	if zone != "Europe/London" || !strings.Contains(shown, "11:00:00") || iso != "2026-06-27T10:00:00.000Z" {
		t.Fatalf("shown %q (datetime %q) in %q, want 11:00:00 in Europe/London", shown, iso, zone)
	}

	// pc1 claims with the keyboard; pc2 sees it live and cannot take it
	one.run(t, "claim", chromedp.KeyEvent("j"), chromedp.KeyEvent("w"),
		chromedp.WaitVisible(`#hits li.hit[data-claimed-by="pc1"] button.claim-toggle[aria-pressed="true"]`, chromedp.ByQuery))
	var claim string
	var disabled bool
	two.run(t, "claim seen", chromedp.WaitVisible(`#hits li.hit[data-claimed-by="pc1"] p.claim`, chromedp.ByQuery),
		chromedp.Text(`#hits li.hit p.claim`, &claim, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#hits li.hit button.claim-toggle').disabled`, &disabled))
	if !strings.HasPrefix(claim, "claimed by pc1 since") || !disabled {
		t.Fatalf("pc2 sees %q, button disabled %v", claim, disabled)
	}
	// released with the button: cleared on both boards
	one.run(t, "release", chromedp.Click(`#hits li.hit button.claim-toggle`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#hits li.hit[data-claimed-by]`, chromedp.ByQuery))
	two.run(t, "release seen", chromedp.WaitNotPresent(`#hits li.hit[data-claimed-by]`, chromedp.ByQuery),
		chromedp.WaitNotVisible(`#hits li.hit p.claim`, chromedp.ByQuery))
	log, err := a.store.AuditLog(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var audited []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "claim") {
			audited = append(audited, e.Actor+" "+e.Action+" "+e.Target)
		}
	}
	if strings.Join(audited, "|") != "pc1 claim_release hit:1|pc1 claim hit:1" {
		t.Fatalf("audit %q", audited)
	}

	// a hostile display name joins (from a plain websocket client): shown as
	// text, its controls made visible, nothing of it run
	evil := "pc\u202egnp.exe<img src=x onerror=alert(1)>\u200b"
	addUser(t, a, evil, watch.RoleViewer)
	ws := dialBoard(t, base, evil, "op1")
	var shownEvil string
	var imgs int
	one.run(t, "hostile name", chromedp.WaitVisible(`#presence li:nth-child(3)`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#presence li .who')).map(e => e.textContent).join('|')`, &shownEvil),
		chromedp.Evaluate(`document.querySelectorAll('#presence img').length`, &imgs))
	if !strings.Contains(shownEvil, "pc[RLO]gnp.exe<img src=x onerror=alert(1)>[ZWSP]") || imgs != 0 || one.dialogs.Load() != 0 {
		t.Fatalf("hostile name shown as %q, %d images, %d dialogs", shownEvil, imgs, one.dialogs.Load())
	}
	ws.Close()
	one.run(t, "hostile name gone", chromedp.WaitNotPresent(`#presence li:nth-child(3)`, chromedp.ByQuery))

	// pc2 leaves the board: gone from pc1's list
	two.run(t, "leave", chromedp.Navigate("about:blank"))
	// the page closes its socket when it is hidden, even into the back-forward cache
	watchtest.WaitFor(t, "pc2 off the hub", 10*time.Second, func() bool { return len(a.hub.Presence("op1")) == 1 })
	one.run(t, "pc2 gone", chromedp.WaitNotPresent(`#presence li[data-name="pc2"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#presence li[data-name="pc1"]`, chromedp.ByQuery))
	for _, tb := range []*tab{one, two} {
		if n := tb.errors.Load(); n != 0 {
			t.Fatalf("%d script errors: %s", n, <-tb.logs)
		}
	}
}

// dialBoard signs name in over HTTP and opens a board's websocket as a
// browser would (session cookie, same origin).
func dialBoard(t *testing.T, base, name, board string) *websocket.Conn {
	t.Helper()
	w := signInHTTP(t, base, name)
	d := websocket.Dialer{Jar: w.Client.Jar, HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws?board="+board, http.Header{"Origin": {base}})
	if err != nil {
		t.Fatalf("dial as %q: %v", name, err)
	}
	t.Cleanup(func() { ws.Close() })
	return ws
}
