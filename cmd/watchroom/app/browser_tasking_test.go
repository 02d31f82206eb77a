package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/watch"
)

func (tb *tab) signInTo(t *testing.T, base, name, landing string) {
	t.Helper()
	tb.run(t, "sign in "+name,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", name, chromedp.ByID),
		chromedp.SendKeys("#password", "secret-"+name, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible(landing, chromedp.ByQuery),
	)
}

// A requester sends a request (after being told what is missing), a
// supervisor sees it arrive in the queue and accepts it, an analyst links
// an operation and a briefing and closes it: the requester's page follows
// each step live, without reloading, and shows none of the hub's own
// working. Another requester can neither open it nor follow it.
func TestBrowserRequestTriagedLive(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "req1", watch.RoleRequester)
	addUser(t, a, "req2", watch.RoleRequester)
	addUser(t, a, "sgt1", watch.RoleSupervisor)
	addUser(t, a, "ana1", watch.RoleAnalyst)

	sup := newTab(t)
	sup.signInTo(t, base, "sgt1", "#board")
	sup.run(t, "the queue, live", chromedp.Navigate(base+"/tasking"), chromedp.WaitVisible(`#status.live`, chromedp.ByQuery))

	req := newTab(t)
	req.signInTo(t, base, "req1", `#tasking[data-page="list"]`)
	needed := time.Now().AddDate(0, 0, 10).In(a.cfg.Server.Location).Format("2006-01-02")
	var contact string
	req.run(t, "send with something missing",
		chromedp.Navigate(base+"/requests/new"),
		chromedp.WaitVisible("#request-form", chromedp.ByID),
		chromedp.SetValue("#f-type", "pre_event", chromedp.ByID),
		chromedp.SetValue("#f-team", "CID", chromedp.ByID),
		chromedp.SendKeys("#f-contact", "PC 42 Ahmed, ext 4411", chromedp.ByID),
		chromedp.SetValue("#f-needed_by", needed, chromedp.ByID),
		chromedp.SendKeys("#f-asked", "What is planned online for the free party on the common", chromedp.ByID),
		chromedp.SendKeys("#f-event_name", "Free party", chromedp.ByID),
		chromedp.Click("#send-request", chromedp.ByID),
		chromedp.WaitVisible("#problems", chromedp.ByID),
		chromedp.Value("#f-contact", &contact, chromedp.ByID))
	if contact != "PC 42 Ahmed, ext 4411" || req.count(t, `#problems li`) != 1 || req.count(t, `#f-why[aria-invalid="true"]`) != 1 {
		t.Fatalf("after a failed send: contact %q, %d problems", contact, req.count(t, "#problems li"))
	}
	var state, path string
	req.run(t, "send it whole",
		chromedp.SendKeys("#f-why", "Neighbourhood team planning the weekend", chromedp.ByID),
		chromedp.Click("#send-request", chromedp.ByID),
		chromedp.WaitVisible(`#tasking[data-page="request"] #status.live`, chromedp.ByQuery),
		chromedp.Text("#state", &state, chromedp.ByID),
		chromedp.Evaluate(`location.pathname`, &path),
		chromedp.Evaluate(`window.__sameDocument = "yes"`, nil))
	if state != "Waiting for triage" {
		t.Fatalf("state %q", state)
	}
	id := strings.TrimPrefix(path, "/requests/")

	// the supervisor's queue shows it without a reload, and they accept it
	due := time.Now().AddDate(0, 0, 5).In(a.cfg.Server.Location).Format("2006-01-02")
	sup.run(t, "the request arrives, and is accepted",
		chromedp.WaitVisible("#req-"+id+" a", chromedp.ByQuery),
		chromedp.Click("#req-"+id+" a", chromedp.ByQuery),
		chromedp.WaitVisible("#accept-form", chromedp.ByID),
		chromedp.SetValue("#a-priority", "P2", chromedp.ByID),
		chromedp.SendKeys("#a-assignee", "ana1", chromedp.ByID),
		chromedp.SetValue("#a-due", due, chromedp.ByID),
		chromedp.Click("#accept", chromedp.ByID),
		chromedp.WaitVisible("#link-form", chromedp.ByID))
	req.run(t, "the requester sees the acceptance live",
		chromedp.WaitVisible(`//strong[@id="state" and text()="Accepted, in work"]`, chromedp.BySearch),
		chromedp.WaitVisible(`//ol[@id="history"]/li[contains(., "Accepted") and contains(., "sgt1")]`, chromedp.BySearch))

	// the analyst links the work and closes the request
	ana := signInHTTP(t, base, "ana1")
	for _, f := range []url.Values{
		{"action": {"link"}, "kind": {"operation"}, "ref": {"op1"}},
		{"action": {"link"}, "kind": {"briefing"}, "ref": {"7"}},
	} {
		if code, _ := ana.PostForm(t, "/requests/"+id+"/work", f); code != http.StatusSeeOther {
			t.Fatalf("link: HTTP %d", code)
		}
	}
	if code, _ := ana.PostForm(t, "/requests/"+id+"/products", url.Values{"title": {"Assessment"}, "text": {"Low risk; 40 expected."}}); code != http.StatusSeeOther {
		t.Fatalf("product: HTTP %d", code)
	}
	if code, _ := ana.PostForm(t, "/requests/"+id+"/products/1/release", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("release: HTTP %d", code)
	}
	req.run(t, "the released product appears", chromedp.WaitVisible(`#products #product-1`, chromedp.ByQuery))
	if code, _ := ana.PostForm(t, "/requests/"+id+"/work", url.Values{"action": {"close"}, "intelligence": {"1"}, "source_grade": {"2"},
		"intel_grade": {"B"}, "handling": {"P"}, "delivered": {"1"}, "note": {"The team changed its patrol plan."}}); code != http.StatusSeeOther {
		t.Fatalf("close: HTTP %d", code)
	}
	var same, history string
	req.run(t, "the requester sees it completed",
		chromedp.WaitVisible(`//strong[@id="state" and text()="Completed"]`, chromedp.BySearch),
		chromedp.Evaluate(`window.__sameDocument || "reloaded"`, &same),
		chromedp.Text("#history", &history, chromedp.ByID))
	if same != "yes" {
		t.Fatal("the requester's page reloaded")
	}
	if strings.Contains(history, "Work linked") || strings.Contains(history, "op1") {
		t.Fatalf("the requester sees the hub's own working: %q", history)
	}
	r, err := a.store.Request(context.Background(), mustID(t, id))
	if err != nil || len(r.Links) != 2 || r.Links[0].Kind != "operation" || r.Links[1].Kind != "briefing" || r.Outcome.Grading.String() != "2/B/P" {
		t.Fatalf("stored request %+v, %v", r, err)
	}
	if req.errors.Load() != 0 || sup.errors.Load() != 0 {
		t.Fatalf("page errors: %d, %d", req.errors.Load(), sup.errors.Load())
	}

	// another requester: not the page, not the JSON, not the board
	other := signInHTTP(t, base, "req2")
	for _, p := range []string{"/requests/" + id, "/api/requests/" + id} {
		if code, body := other.Get(t, p); code != http.StatusNotFound || strings.Contains(body, "free party") {
			t.Errorf("another requester GET %s: HTTP %d", p, code)
		}
	}
	u1, _ := a.store.UserByName(context.Background(), "req1")
	for _, board := range []string{watch.RequesterBoard(u1.ID), watch.BoardTasking, watch.BoardAll, "op1"} {
		d := websocket.Dialer{Jar: other.Client.Jar, HandshakeTimeout: 10 * time.Second}
		q := fmt.Sprintf("/ws?board=%s&after=0&epoch=%s", url.QueryEscape(board), a.store.Epoch())
		conn, resp, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+q, http.Header{"Origin": {base}})
		if err == nil {
			conn.Close()
			t.Errorf("another requester followed board %s", board)
		} else if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("board %s: %v", board, err)
		}
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
