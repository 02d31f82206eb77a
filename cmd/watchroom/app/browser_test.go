package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// chromiumPath finds headless Chromium, or skips where there is none;
// under CI=true a missing browser is a failure.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if lp, err := exec.LookPath(p); err == nil {
			return lp
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no Chromium is installed")
	}
	t.Skip("no Chromium here")
	return ""
}

// tab is one person's browser (a Chromium of its own, so its own cookies)
// with a watch on dialogs and uncaught page errors.
type tab struct {
	ctx     context.Context
	dialogs atomic.Int32
	errors  atomic.Int32
	logs    chan string
}

func newTab(t *testing.T) *tab {
	t.Helper()
	// Chromium's helper processes can still be writing to the profile for a
	// moment after the browser is gone, so the profile is removed here,
	// best effort, rather than by t.TempDir's strict cleanup.
	profile, err := os.MkdirTemp("", "watchroom-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(profile),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	tb := &tab{ctx: ctx, logs: make(chan string, 100)}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *page.EventJavascriptDialogOpening:
			tb.dialogs.Add(1)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		case *runtime.EventExceptionThrown:
			tb.errors.Add(1)
			select {
			case tb.logs <- e.ExceptionDetails.Error():
			default:
			}
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return tb
}

// stepTimeout bounds one browser step: generous, since Chromium shares
// two cores with the rest of the test run; a step that works takes well
// under a second.
const stepTimeout = 60 * time.Second

func (tb *tab) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (tb *tab) signIn(t *testing.T, base, name, board string) {
	t.Helper()
	tb.run(t, "sign in "+name,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", name, chromedp.ByID),
		chromedp.SendKeys("#password", "secret-"+name, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("#board", chromedp.ByID),
		chromedp.Navigate(base+"/board/"+board),
		chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
	)
}

func (tb *tab) count(t *testing.T, sel string) int {
	t.Helper()
	var n int
	tb.run(t, "count "+sel, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n))
	return n
}

func TestBrowserLiveBoard(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	addUser(t, a, "viewer1", watch.RoleViewer)
	ctx := context.Background()

	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "op1")

	// a new matching item served by the local feed appears on both boards
	feed.add(feedItem{GUID: "g1", Title: "Free party on the common", Text: "sound system all night", Link: "https://example.org/p/1"})
	feed.add(feedItem{GUID: "g2", Title: "Bake sale on Sunday", Text: "cakes", Link: "https://example.org/p/2"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		var mark string
		tb.run(t, "hit appears",
			chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
			chromedp.Text(`#hits li.hit .title mark`, &mark, chromedp.ByQuery))
		if mark != "Free party" {
			t.Fatalf("highlight %q", mark)
		}
		if n := tb.count(t, "#hits li.hit"); n != 1 {
			t.Fatalf("%d hits shown, want 1 (the bake sale matches nothing)", n)
		}
	}

	// the chart is drawn by the echarts build watchroom serves itself
	var canvases int
	one.run(t, "chart", chromedp.WaitVisible(`#chart[data-loaded="yes"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#chart canvas').length`, &canvases))
	if canvases == 0 {
		t.Fatal("the chart drew nothing")
	}

	// an annotation typed in one board appears in the other, and in its own
	one.run(t, "annotate",
		chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit form.annotate textarea`, "Promoter known to us", chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit form.annotate input[name=tags]`, "ume, music", chromedp.ByQuery),
		chromedp.Click(`#hits li.hit form.annotate button[type=submit]`, chromedp.ByQuery))
	for _, tb := range []*tab{two, one} {
		var note string
		tb.run(t, "annotation appears",
			chromedp.WaitVisible(`#hits li.hit .annotation .note`, chromedp.ByQuery),
			chromedp.Text(`#hits li.hit .annotation .note`, &note, chromedp.ByQuery))
		if note != "Promoter known to us" {
			t.Fatalf("note %q", note)
		}
		if n := tb.count(t, "#hits li.hit .annotation"); n != 1 {
			t.Fatalf("%d annotations shown, want 1", n)
		}
	}

	// a viewer sees the hit but no annotation control
	viewer := newTab(t)
	viewer.signIn(t, base, "viewer1", "op1")
	viewer.run(t, "viewer board", chromedp.WaitVisible(`#hits li.hit .annotation`, chromedp.ByQuery))
	if n := viewer.count(t, "form.annotate"); n != 0 {
		t.Fatalf("viewer is offered %d annotation forms", n)
	}

	// hostile content shows as text and runs nothing: a title that is
	// literally the markup (entity-escaped in the feed's HTML) is shown as
	// those characters; raw markup in a title is reduced to its text.
	feed.add(feedItem{GUID: "g3", Title: `&lt;img src=x onerror=alert(1)&gt; rave`, Text: `<script>alert(2)</script>`, Link: "javascript:alert(3)"})
	feed.add(feedItem{GUID: "g4", Title: `<img src=x onerror=alert(4)><svg onload=alert(5)>rave`, Text: `<a href="javascript:alert(6)">x</a>`, Link: "https://example.org/4"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		var literal, raw string
		tb.run(t, "hostile hits appear",
			chromedp.WaitVisible(`#hits li.hit:nth-child(3)`, chromedp.ByQuery),
			chromedp.Text(`#hits li.hit:nth-child(2) .title`, &literal, chromedp.ByQuery),
			chromedp.Text(`#hits li.hit:nth-child(1) .title`, &raw, chromedp.ByQuery))
		if literal != "<img src=x onerror=alert(1)> rave" {
			t.Fatalf("literal hostile title shown as %q", literal)
		}
		if raw != "rave" {
			t.Fatalf("raw markup title shown as %q", raw)
		}
		if n := tb.count(t, "#hits img, #hits svg, #hits script, #hits a[href^=javascript], #hits [onerror], #hits [onload]"); n != 0 {
			t.Fatalf("%d hostile elements in the page", n)
		}
	}
	// a failing source shows as failing, with the reason, on every board
	feed.setFail(http.StatusBadGateway)
	if err := a.pollNow(ctx, "local"); err == nil {
		t.Fatal("a broken feed polled without error")
	}
	for _, tb := range []*tab{one, two} {
		var reason string
		tb.run(t, "source failing", chromedp.WaitVisible(`#source-local.source-failing .reason`, chromedp.ByQuery),
			chromedp.Text(`#source-local .reason`, &reason, chromedp.ByQuery))
		if !strings.Contains(reason, "502") {
			t.Fatalf("failing reason %q", reason)
		}
	}

	if one.dialogs.Load()+two.dialogs.Load() != 0 {
		t.Fatal("a dialog was opened by injected content")
	}
	if one.errors.Load()+two.errors.Load() != 0 {
		t.Fatalf("page errors: %v", <-one.logs)
	}
}

func TestBrowserReconnectsAfterRestart(t *testing.T) {
	feed := newFeedServer(t)
	dataDir := tempDataDir(t)
	a, base, stop := startApp(t, feed.url, dataDir)
	addUser(t, a, "pc1", watch.RoleOfficer)
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "all")
	ctx := context.Background()
	feed.add(feedItem{GUID: "g1", Title: "rave one", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "first hit", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))

	// a network blip: every connection dropped; events arrive meanwhile
	a.hub.CloseAll()
	tb.run(t, "shows reconnecting", chromedp.WaitVisible(`#status.reconnecting`, chromedp.ByQuery))
	feed.add(feedItem{GUID: "g2", Title: "rave two", Link: "https://example.org/2"})
	feed.add(feedItem{GUID: "g3", Title: "rave three", Link: "https://example.org/3"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "caught up", chromedp.WaitVisible(`#hits li.hit:nth-child(3)`, chromedp.ByQuery),
		chromedp.WaitVisible(`#status.live`, chromedp.ByQuery))

	// a server restart on the same address and database
	addr := strings.TrimPrefix(base, "http://")
	stop()
	tb.run(t, "shows reconnecting again", chromedp.WaitVisible(`#status.reconnecting`, chromedp.ByQuery))
	b, _, _ := startAppOn(t, feed.url, dataDir, addr)
	feed.add(feedItem{GUID: "g4", Title: "rave four", Link: "https://example.org/4"})
	if err := b.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "caught up after restart", chromedp.WaitVisible(`#hits li.hit:nth-child(4)`, chromedp.ByQuery))
	if n := tb.count(t, "#hits li.hit"); n != 4 {
		t.Fatalf("%d hits shown after resume, want 4 (no gap, no duplicate)", n)
	}
	var order string
	tb.run(t, "order", chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit .title')).map(e => e.textContent).join('|')`, &order))
	if order != "rave four|rave three|rave two|rave one" {
		t.Fatalf("order %q", order)
	}
}

// An alert fires on every board; an officer takes it with one key press;
// every board sees who did.
func TestBrowserAlertAcknowledged(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "all")
	feed.add(feedItem{GUID: "g1", Title: "Rave at the old warehouse", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		var name string
		tb.run(t, "alert fires", chromedp.WaitVisible(`#alerts li.state-firing`, chromedp.ByQuery),
			chromedp.Text(`#alerts li.state-firing .name`, &name, chromedp.ByQuery))
		if name != "UME hit" {
			t.Fatalf("alert name %q", name)
		}
	}
	// the evidence is one click away
	one.run(t, "evidence", chromedp.Click(`#alerts li .show-evidence`, chromedp.ByQuery),
		chromedp.WaitVisible(`#alerts li .evidence .evidence-link`, chromedp.ByQuery))
	// one key press: take (assign to oneself and acknowledge)
	one.run(t, "take", chromedp.KeyEvent("t"))
	for _, tb := range []*tab{one, two} {
		var who string
		tb.run(t, "acknowledged everywhere", chromedp.WaitVisible(`#alerts li.state-acknowledged .who`, chromedp.ByQuery),
			chromedp.Text(`#alerts li.state-acknowledged .who`, &who, chromedp.ByQuery))
		if who != "acknowledged by pc1, assigned to pc1" {
			t.Fatalf("who %q", who)
		}
	}
	if n := two.count(t, "#alerts li.state-firing"); n != 0 {
		t.Fatalf("%d alerts still firing", n)
	}
}
