package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
)

// A viewer in a neighbourhood team sees their team's operations only, on
// the operations page and in the claims list, as on the boards.
func TestTeamViewerSeesOwnOperationsAndClaims(t *testing.T) {
	now := time.Now()
	ops := []watch.Operation{
		{ID: "north", Name: "North gig", Team: "North SNT", Start: now, End: now.Add(time.Hour)},
		{ID: "south", Name: "South gig", Team: "South SNT", Start: now, End: now.Add(time.Hour)},
	}
	e := newEnvWith(t, func(o *Options) { o.Operations = ops })
	ctx := context.Background()
	h, _ := HashPasswordCost("pw-nv-secret", 4)
	if _, err := e.store.CreateUser(ctx, watch.User{Name: "nv", Role: watch.RoleViewer, Team: "North SNT", PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
	e.addUser(t, "pc1", watch.RoleOfficer)
	north, south := e.recordHit(t, "n1", "rave north", "north"), e.recordHit(t, "s1", "rave south", "south")
	nv, pc := e.signIn(t, "nv"), e.signIn(t, "pc1")
	// the live boards, open before the claims are made
	nvWS, _, err := e.dial(t, nv, "board=north", e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer nvWS.Close()
	pcWS, _, err := e.dial(t, pc, "board=all", e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer pcWS.Close()
	// both boards are the hub's before the first claim: each then gets
	// three claims messages (on joining, and one a claim), in some order of
	// the first two
	waitClients(t, e.hub, 2)
	for _, id := range []int64{north.ID, south.ID} {
		if code, body := pc.PostJSON(t, fmt.Sprintf("/api/hits/%d/claim", id), nil, true); code != http.StatusOK {
			t.Fatalf("claim %d: %d %s", id, code, body)
		}
	}
	// every claims message each board got: one on joining, one a claim
	claimsMessages := func(c *websocket.Conn, n int) []string {
		t.Helper()
		var out []string
		for len(out) < n {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			var m wsMsg
			if err := c.ReadJSON(&m); err != nil {
				t.Fatalf("read: %v", err)
			}
			if m.Type == live.TypeClaims {
				out = append(out, string(m.Data))
			}
		}
		return out
	}
	northHit, southHit := fmt.Sprintf(`"hit_id":%d,`, north.ID), fmt.Sprintf(`"hit_id":%d,`, south.ID)
	if got := claimsMessages(pcWS, 3); !strings.Contains(got[2], northHit) || !strings.Contains(got[2], southHit) {
		t.Fatalf("the officer's board's claims: %q", got)
	}
	got := claimsMessages(nvWS, 3)
	for _, m := range got {
		if strings.Contains(m, southHit) {
			t.Fatalf("the North viewer's board heard of a claim on the south hit: %q", got)
		}
	}
	if !strings.Contains(got[2], northHit) {
		t.Fatalf("the North viewer's board did not hear of the claim on its hit: %q", got)
	}
	_, html := nv.Get(t, "/operations")
	if !strings.Contains(html, "North gig") || strings.Contains(html, "South gig") {
		t.Fatalf("the North viewer's operations page:\n%s", html)
	}
	if _, html := pc.Get(t, "/operations"); !strings.Contains(html, "South gig") {
		t.Fatal("the officer does not see every operation")
	}
	code, body := nv.Get(t, "/api/claims")
	if code != http.StatusOK || !strings.Contains(body, `"hit_id":1,`) || strings.Contains(body, `"hit_id":2,`) {
		t.Fatalf("the North viewer's claims: %d %s", code, body)
	}
	if _, body := pc.Get(t, "/api/claims"); !strings.Contains(body, `"hit_id":2,`) {
		t.Fatalf("the officer's claims: %s", body)
	}
}

// A requester following their own tasking board hears of no claim on a
// hit: claims name officers working on collected posts, which are not the
// requester's to see.
func TestTaskingBoardHearsOfNoClaims(t *testing.T) {
	e := newTaskingEnv(t) // with req1, a requester, and pc, an officer
	hit := e.recordHit(t, "h1", "rave tonight", "op1")
	req, pc := e.signIn(t, "req1"), e.signIn(t, "pc")
	u, err := e.store.UserByName(context.Background(), "req1")
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := e.dial(t, req, "board="+watch.RequesterBoard(u.ID), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	waitClients(t, e.hub, 1)
	if code, body := pc.PostJSON(t, fmt.Sprintf("/api/hits/%d/claim", hit.ID), nil, true); code != http.StatusOK {
		t.Fatalf("claim: %d %s", code, body)
	}
	// on joining, and after the claim: both empty
	for i := 0; i < 2; i++ {
		for {
			_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
			var m wsMsg
			if err := ws.ReadJSON(&m); err != nil {
				t.Fatalf("read: %v", err)
			}
			if m.Type != live.TypeClaims {
				continue
			}
			if strings.Contains(string(m.Data), `"hit_id"`) || strings.Contains(string(m.Data), `"pc"`) {
				t.Fatalf("the requester's board heard of a claim: %s", m.Data)
			}
			break
		}
	}
}
