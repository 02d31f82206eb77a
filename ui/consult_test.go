package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// newestAudit returns the newest audit entry.
func newestAudit(t *testing.T, e *testEnv) watch.AuditEntry {
	t.Helper()
	log, err := e.store.AuditLog(context.Background(), 1)
	if err != nil || len(log) == 0 {
		t.Fatalf("audit: %v", err)
	}
	return log[0]
}

// Every answer that shows personal data is recorded, once a request, with
// who, what and which ids.
func TestConsultationIsAudited(t *testing.T) {
	e := listsEnv(t)
	var hits []watch.HitView
	for i := 1; i <= 3; i++ {
		hits = append(hits, e.recordHit(t, fmt.Sprint("k", i), "rave", "op1"))
	}
	s := e.signIn(t, "vw1")
	for _, c := range []struct {
		path, action, target string
		detail               []string
	}{
		{"/board/op1", actBoardView, "board:op1", nil},
		{"/api/boards/op1/snapshot", actBoardSnapshot, "board:op1", []string{"head=3", fmt.Sprintf("n=3 ids=%d,%d,%d", hits[2].ID, hits[1].ID, hits[0].ID)}},
		{fmt.Sprintf("/api/hits/%d", hits[1].ID), actHitView, fmt.Sprintf("hit:%d", hits[1].ID), []string{fmt.Sprintf("item=%d", hits[1].ItemID)}},
		{fmt.Sprintf("/api/boards/all/hits?before=%d", hits[2].ID), actBoardHits, "board:all", []string{fmt.Sprintf("n=2 ids=%d,%d", hits[1].ID, hits[0].ID)}},
		{"/api/boards/all/map", actBoardMap, "board:all", []string{"n=0"}},
	} {
		if code, body := s.Get(t, c.path); code != http.StatusOK {
			t.Fatalf("%s: HTTP %d %s", c.path, code, body)
		}
		got := newestAudit(t, e)
		if got.Actor != "vw1" || got.Action != c.action || got.Target != c.target {
			t.Errorf("%s: audited %+v, want %s %s by vw1", c.path, got, c.action, c.target)
		}
		for _, d := range c.detail {
			if !strings.Contains(got.Detail, d) {
				t.Errorf("%s: detail %q lacks %q", c.path, got.Detail, d)
			}
		}
	}

	an := e.signIn(t, "an1")
	code, body := an.PostJSON(t, "/api/watchlists/try", map[string]any{"days": 7, "list": map[string]any{"id": "ume", "query": "rave"}}, true)
	if code != http.StatusOK {
		t.Fatalf("try: HTTP %d %v", code, body)
	}
	got := newestAudit(t, e)
	if got.Actor != "an1" || got.Action != actWatchlistTry || got.Target != "watchlist:ume" || !strings.Contains(got.Detail, "scanned=3 items n=3 ids=") {
		t.Errorf("try it: audited %+v", got)
	}
}

// A board that reconnects is replayed what it missed: who received which
// range is recorded, once for the connection; live pushes are not.
func TestWebsocketReplayIsAudited(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", "officer")
	s := e.signIn(t, "pc1")
	for i := 1; i <= 4; i++ {
		e.recordHit(t, fmt.Sprint("k", i), "rave", "op1")
	}
	c, _, err := e.dial(t, s, "board=op1&after=1&epoch="+e.store.Epoch(), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for want := int64(2); want <= 4; want++ {
		if m := read(t, c); m.Seq != want {
			t.Fatalf("replay: seq %d, want %d", m.Seq, want)
		}
	}
	got := newestAudit(t, e)
	if got.Actor != "pc1" || got.Action != "board_replay" || got.Target != "board:op1" || got.Detail != "after=1 seq=2..4 events=3" {
		t.Fatalf("replay audited as %+v", got)
	}
	e.recordHit(t, "k5", "rave", "op1")
	if m := read(t, c); m.Seq != 5 {
		t.Fatalf("live: seq %d", m.Seq)
	}
	if got := newestAudit(t, e); got.Action == "board_replay" && got.Detail != "after=1 seq=2..4 events=3" {
		t.Fatalf("a live push was audited: %+v", got)
	}
	log, _ := e.store.AuditLog(context.Background(), 50)
	n := 0
	for _, l := range log {
		if l.Action == "board_replay" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d replay entries, want 1", n)
	}
}
