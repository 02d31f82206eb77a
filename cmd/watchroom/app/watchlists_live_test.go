package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// postJSON sends a JSON body with the CSRF header, as the editor does,
// and fails the test unless it is answered 200.
func postJSON(t *testing.T, w *webClient, path string, body any) map[string]any {
	t.Helper()
	code, out := w.PostJSON(t, path, body, true)
	if code != 200 {
		t.Fatalf("POST %s: HTTP %d %v", path, code, out)
	}
	return out
}

// hitsOf are the hits of a list on a board, newest first.
func hitsOf(t *testing.T, a *App, board, list string) []watch.HitView {
	t.Helper()
	snap, err := a.store.BoardSnapshot(context.Background(), board, 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []watch.HitView
	for _, h := range snap.Hits {
		if h.ListID == list {
			out = append(out, h)
		}
	}
	return out
}

// A list saved in the web matches the next items without a restart, on
// the operation's board it links, in the term figures and the charts; a
// list disabled in the web stops matching.
func TestSavedListMatchesWithoutRestart(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "an1", watch.RoleAnalyst)
	ctx := context.Background()
	feed.add(feedItem{GUID: "g1", Title: "Drill night at the arches", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if n := len(hitsOf(t, a, watch.BoardAll, "drill")); n != 0 {
		t.Fatalf("%d drill hits before the list exists", n)
	}
	w := signInHTTP(t, base, "an1")
	out := postJSON(t, w, "/api/watchlists", map[string]any{"id": "drill", "name": "Drill", "query": "drill* -police",
		"severity": "high", "operations": []string{"op1"}})
	if out["in_force"] != true {
		t.Fatalf("save: %v", out)
	}
	feed.add(feedItem{GUID: "g2", Title: "Drill video dropped", Link: "https://example.org/2"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	hits := hitsOf(t, a, "op1", "drill")
	if len(hits) != 1 || hits[0].Item.Title != "Drill video dropped" || hits[0].Terms[0] != "drill*" {
		t.Fatalf("drill hits on op1: %+v", hits)
	}
	// the alert rule for high-severity hits sees the new list's severity
	watchtest.WaitFor(t, "an alert on op1 from the new list's hit", 20*time.Second, func() bool {
		open, err := a.store.OpenAlerts(ctx, "op1")
		return err == nil && len(open) == 1 && open[0].RuleID == "ume-hit" &&
			len(open[0].Evidence) == 1 && open[0].Evidence[0] == hits[0].ID
	})
	if _, page := w.Get(t, "/watchlists"); !strings.Contains(page, "<td>drill*</td><td>1</td><td>1</td>") {
		t.Error("the term figures do not count the new list's hit")
	}
	if _, chart := w.Get(t, "/api/boards/op1/chart"); !strings.Contains(chart, `"drill"`) {
		t.Error("the chart has no series for the new list")
	}
	// disabled in the web: the next item is not matched
	postJSON(t, w, "/api/watchlists/drill/disable", map[string]any{"rev": 1})
	feed.add(feedItem{GUID: "g3", Title: "Drill night two", Link: "https://example.org/3"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if hits := hitsOf(t, a, watch.BoardAll, "drill"); len(hits) != 1 {
		t.Fatalf("a disabled list matched: %d hits", len(hits))
	}
}
