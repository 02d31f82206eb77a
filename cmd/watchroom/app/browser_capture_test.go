package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// pagesServer serves a few pages an analyst may capture.
func pagesServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/rave":
			io.WriteString(w, `<html lang="en"><head><title>Free party on the common</title><link rel="canonical" href="https://elsewhere.example/"></head>
<body><nav>Menu</nav><article>Sound system from ten <script>alert(1)</script><img src=x onerror="alert(2)"> bring friends</article></body></html>`)
		case "/quiet":
			io.WriteString(w, `<html><head><title>Bake sale at the church hall</title></head><body><main>Cakes from 10am.</main></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// An analyst captures URLs on the sources page: a page that matches a watch
// list becomes its hit, one that matches none is kept on the "manual" list,
// the note is an annotation in the analyst's name, a refused address says
// its class, a second capture of a page says so; all of it audited.
func TestBrowserManualCapture(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "an1", watch.RoleAnalyst)
	pages := pagesServer(t)
	tb := newTab(t)
	tb.signIn(t, base, "an1", "all")
	tb.run(t, "sources page", chromedp.Navigate(base+"/sources"), chromedp.WaitVisible(`body[data-live="yes"] #capture-form`, chromedp.ByQuery))

	capture := func(url, note, state string) string {
		t.Helper()
		var out string
		tb.run(t, "capture "+url,
			chromedp.Evaluate(fmt.Sprintf(`document.getElementById("capture-result").dataset.state = "";
				document.getElementById("capture-url").value = %q; document.getElementById("capture-note").value = %q;`, url, note), nil),
			chromedp.Click(`#capture-form button:not([disabled])`, chromedp.ByQuery),
			chromedp.WaitVisible(fmt.Sprintf(`#capture-result[data-state=%q]`, state), chromedp.ByQuery),
			chromedp.Text("#capture-result", &out, chromedp.ByID))
		return out
	}
	if got := capture(pages+"/rave", "Seen by the hub <b>at 21:00</b>", "ok"); got != "Captured 1 of 1 item(s): 1 hit(s) on ume." {
		t.Errorf("rave capture: %q", got)
	}
	if got := capture(pages+"/quiet", "Community event, for the record", "ok"); got != "Captured 1 of 1 item(s): 1 hit(s) on manual." {
		t.Errorf("quiet capture: %q", got)
	}
	if got := capture(pages+"/quiet", "", "error"); !strings.Contains(got, "Already captured") {
		t.Errorf("second capture: %q", got)
	}
	// 127.0.0.2 is loopback but not in allow_private: the guard refuses it
	// (and were it broken, the packet would still not leave the machine)
	if got := capture("http://127.0.0.2:1/x", "", "error"); !strings.HasPrefix(got, "refused: ") {
		t.Errorf("refused capture: %q", got)
	}
	if n := tb.dialogs.Load(); n != 0 {
		t.Errorf("%d dialogs opened: captured markup ran", n)
	}

	ctx := context.Background()
	snap, err := a.store.BoardSnapshot(ctx, "all", 10)
	if err != nil {
		t.Fatal(err)
	}
	byList := map[string]watch.HitView{}
	for _, h := range snap.Hits {
		byList[h.ListID] = h
	}
	rave, quiet := byList["ume"], byList[watch.ListManual]
	if rave.Item.SourceID != "manual" || rave.Item.URL != pages+"/rave" || rave.Item.Title != "Free party on the common" ||
		rave.Item.Text != "Sound system from ten bring friends" || len(rave.Item.BodySHA256) != 64 || rave.Item.Language != "en" {
		t.Errorf("rave item %+v", rave.Item)
	}
	if len(rave.Operations) != 1 || rave.Operations[0] != "op1" {
		t.Errorf("rave hit on operations %v, want op1 (the list's operation)", rave.Operations)
	}
	if quiet.Item.Title != "Bake sale at the church hall" || len(quiet.Operations) != 0 {
		t.Errorf("quiet hit %+v", quiet)
	}
	for _, h := range []watch.HitView{rave, quiet} {
		v, err := a.store.Hit(ctx, h.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Annotations) != 1 || v.Annotations[0].Author != "an1" || v.Annotations[0].Kind != watch.AnnotationNote {
			t.Errorf("hit %d annotations %+v", h.ID, v.Annotations)
		}
	}
	var actions []string
	for _, e := range mustAudit(t, a) {
		if !strings.HasPrefix(e.Action, "board_") { // consultations (the board's pages) are between
			actions = append(actions, e.Action)
		}
	}
	if got := strings.Join(actions, " "); !strings.Contains(got, "capture capture capture_recorded annotate capture capture_recorded annotate capture login") {
		t.Errorf("audit %v", got)
	}

	// the board shows the capture, as text
	var boardText string
	tb.run(t, "board", chromedp.Navigate(base+"/board/all"), chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
		chromedp.Text("#board", &boardText, chromedp.ByID))
	if !strings.Contains(boardText, "Bake sale at the church hall") {
		t.Errorf("board lacks the manual capture:\n%s", boardText)
	}
}
