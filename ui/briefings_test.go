package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Viewers read only their own team's briefings; the hub reads all.
func TestBriefingsByTeam(t *testing.T) {
	ops := []watch.Operation{
		{ID: "north", Name: "North gig", Team: "North SNT", Start: time.Now(), End: time.Now().Add(time.Hour)},
		{ID: "south", Name: "South gig", Team: "South SNT", Start: time.Now(), End: time.Now().Add(time.Hour)},
	}
	e := newEnvWith(t, func(o *Options) {
		o.Operations = ops
		o.Briefings = func(context.Context, string, string) (watch.BriefingVersion, error) {
			return watch.BriefingVersion{}, nil
		}
	})
	ctx := context.Background()
	ids := map[string]int64{}
	for _, op := range ops {
		b, err := e.store.AddBriefing(ctx, watch.BriefingVersion{Operation: op.ID, Generator: "schedule", SHA256: "00",
			Doc: watch.Briefing{Operation: op, Generator: "schedule"}})
		if err != nil {
			t.Fatal(err)
		}
		ids[op.ID] = b.ID
	}
	add := func(name string, role watch.Role, team string) *session {
		h, _ := HashPasswordCost("pw-"+name+"-secret", 4)
		if _, err := e.store.CreateUser(ctx, watch.User{Name: name, Role: role, Team: team, PasswordHash: h}, "test"); err != nil {
			t.Fatal(err)
		}
		return e.signIn(t, name)
	}
	north, noTeam, officer := add("nv", watch.RoleViewer, "North SNT"), add("xv", watch.RoleViewer, ""), add("pc", watch.RoleOfficer, "")
	for _, c := range []struct {
		who  *session
		name string
		see  []string
		hide []string
	}{
		{north, "north viewer", []string{"north"}, []string{"south"}},
		{noTeam, "viewer without a team", nil, []string{"north", "south"}},
		{officer, "officer", []string{"north", "south"}, nil},
	} {
		_, html := c.who.Get(t, "/briefings")
		for _, op := range c.see {
			if code, _ := c.who.Get(t, fmt.Sprintf("/briefings/%d", ids[op])); code != http.StatusOK {
				t.Errorf("%s: %s briefing HTTP %d", c.name, op, code)
			}
			if !strings.Contains(html, fmt.Sprintf(`href="/briefings/%d"`, ids[op])) {
				t.Errorf("%s: %s not listed", c.name, op)
			}
		}
		for _, op := range c.hide {
			if code, _ := c.who.Get(t, fmt.Sprintf("/briefings/%d", ids[op])); code != http.StatusForbidden {
				t.Errorf("%s: %s briefing HTTP %d, want 403", c.name, op, code)
			}
			if code, _ := c.who.Get(t, fmt.Sprintf("/briefings/%d/download", ids[op])); code != http.StatusForbidden {
				t.Errorf("%s: %s download HTTP %d, want 403", c.name, op, code)
			}
			if strings.Contains(html, fmt.Sprintf(`href="/briefings/%d"`, ids[op])) {
				t.Errorf("%s: %s listed", c.name, op)
			}
		}
	}
}
