package app

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/watchroom/watchroom/watch"
)

// Pause and resume, keyboard flow, search and wall mode, as an officer
// would use them.
func TestBrowserBoardTools(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	feed.add(feedItem{GUID: "g1", Title: "Rave in the woods", Link: "https://example.org/1"})
	feed.add(feedItem{GUID: "g2", Title: "Free party at the warehouse", Link: "https://example.org/2"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "two hits", chromedp.WaitVisible(`#hits li.hit:nth-child(2)`, chromedp.ByQuery))

	// pause: a new hit waits, counted; resume puts it on top
	tb.run(t, "pause", chromedp.KeyEvent("p"), chromedp.WaitVisible(`#board[data-paused="yes"]`, chromedp.ByQuery))
	feed.add(feedItem{GUID: "g3", Title: "Another rave tonight", Link: "https://example.org/3"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	var counter string
	tb.run(t, "counted while paused", chromedp.WaitVisible(`#board[data-queued="1"]`, chromedp.ByQuery),
		chromedp.Text(`#newcount`, &counter, chromedp.ByID))
	if counter != "1 new" || tb.count(t, "#hits li.hit") != 2 {
		t.Fatalf("paused: counter %q, %d hits shown", counter, tb.count(t, "#hits li.hit"))
	}
	var top string
	tb.run(t, "resume", chromedp.KeyEvent("p"), chromedp.WaitVisible(`#hits li.hit:nth-child(3)`, chromedp.ByQuery),
		chromedp.Text(`#hits li.hit:first-child .title`, &top, chromedp.ByQuery))
	if top != "Another rave tonight" {
		t.Fatalf("top after resume %q", top)
	}

	// keyboard: j, j, k selects; n annotates the selected hit without the mouse
	var focused, active string
	tb.run(t, "keyboard select", chromedp.KeyEvent("j"), chromedp.KeyEvent("j"), chromedp.KeyEvent("k"), chromedp.KeyEvent("j"),
		chromedp.Text(`#hits li.hit.focused .title`, &focused, chromedp.ByQuery))
	if focused != "Free party at the warehouse" {
		t.Fatalf("focused %q", focused)
	}
	tb.run(t, "keyboard annotate", chromedp.KeyEvent("n"),
		chromedp.Evaluate(`document.activeElement.tagName + ":" + document.activeElement.closest("li.hit").id`, &active))
	if active[:9] != "TEXTAREA:" {
		t.Fatalf("active element %q", active)
	}
	tb.run(t, "type and send", chromedp.KeyEvent("Checked with licensing"), chromedp.KeyEvent(kb.Tab),
		chromedp.KeyEvent("ume"), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`#hits li.hit.focused .annotation .note`, chromedp.ByQuery))
	var note string
	tb.run(t, "note text", chromedp.Text(`#hits li.hit.focused .annotation .note`, &note, chromedp.ByQuery))
	if note != "Checked with licensing" {
		t.Fatalf("note %q", note)
	}

	// filters: by tag (from the annotation just made) and by severity
	visible := func(what string) int {
		var n int
		tb.run(t, what, chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit')).filter(e => !e.hidden).length`, &n))
		return n
	}
	tb.run(t, "tag filter", chromedp.SetValue(`#filter-tag`, "ume", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('filter-tag').dispatchEvent(new Event('change'))`, nil))
	if n := visible("after tag filter"); n != 1 {
		t.Fatalf("%d hits with the tag ume, want 1", n)
	}
	tb.run(t, "severity filter", chromedp.SetValue(`#filter-tag`, "", chromedp.ByID),
		chromedp.SetValue(`#filter-severity`, "critical", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('filter-severity').dispatchEvent(new Event('change'))`, nil))
	if n := visible("after severity filter"); n != 0 {
		t.Fatalf("%d critical hits, want 0 (the list is high)", n)
	}
	tb.run(t, "severity high", chromedp.SetValue(`#filter-severity`, "high", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('filter-severity').dispatchEvent(new Event('change'))`, nil))
	if n := visible("after severity high"); n != 3 {
		t.Fatalf("%d high hits, want 3", n)
	}
	tb.run(t, "clear filters", chromedp.SetValue(`#filter-severity`, "", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('filter-severity').dispatchEvent(new Event('change'))`, nil))

	// search: / focuses it, results replace the list, Esc brings the list back
	tb.run(t, "search", chromedp.KeyEvent("/"), chromedp.KeyEvent("warehouse"),
		chromedp.WaitVisible(`#results li.result`, chromedp.ByQuery))
	if n := tb.count(t, "#results li.result"); n != 1 {
		t.Fatalf("%d results", n)
	}
	tb.run(t, "clear search", chromedp.KeyEvent(kb.Escape), chromedp.WaitVisible(`#hits`, chromedp.ByID))

	// wall mode renders; its screenshot is kept as an artifact
	var shot []byte
	tb.run(t, "wall mode", chromedp.EmulateViewport(1920, 1080), chromedp.Navigate(base+"/board/op1?wall=1"), chromedp.WaitVisible(`body.wall #hits li.hit`, chromedp.ByQuery),
		chromedp.WaitReady(`#board[data-wall-shown]`, chromedp.ByQuery), chromedp.FullScreenshot(&shot, 100))
	if _, err := png.Decode(bytes.NewReader(shot)); err != nil {
		t.Fatalf("wall screenshot: %v", err)
	}
	path := filepath.Join(artifactDir(t), "wall-mode.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wall mode screenshot: %s", path)
}
