package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

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
	for _, id := range []int64{north.ID, south.ID} {
		if _, err := e.hub.Claim(ctx, id, live.Viewer{Name: "pc1", Role: "officer"}); err != nil {
			t.Fatal(err)
		}
	}
	nv, pc := e.signIn(t, "nv"), e.signIn(t, "pc1")
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
