package ui

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Only an admin opens the Accounts page; role, team and revoke work from
// it and are audited under the admin's name; the last admin is kept.
func TestAdminAccountsPage(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "boss", watch.RoleAdmin)
	e.addUser(t, "pc1", watch.RoleOfficer)
	officer, admin := e.signIn(t, "pc1"), e.signIn(t, "boss")
	if code, _ := officer.Get(t, "/admin/users"); code != http.StatusForbidden {
		t.Fatalf("an officer opens Accounts: %d", code)
	}
	if code, _ := officer.PostForm(t, "/admin/users/disable", url.Values{"name": {"boss"}}); code != http.StatusForbidden {
		t.Fatalf("an officer disables the admin: %d", code)
	}
	admin.Get(t, "/admin/users")
	if code, html := admin.PostForm(t, "/admin/users/update", url.Values{"name": {"pc1"}, "role": {"analyst"}, "team": {"North"}}); code != http.StatusOK || !strings.Contains(html, "pc1 is analyst") {
		t.Fatalf("update: %d", code)
	}
	if code, _ := admin.PostForm(t, "/admin/users/revoke", url.Values{"name": {"pc1"}}); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	if code, _ := officer.Get(t, "/board/all"); code != http.StatusSeeOther {
		t.Fatalf("pc1's board after revoke: %d", code)
	}
	if code, html := admin.PostForm(t, "/admin/users/disable", url.Values{"name": {"boss"}}); code != http.StatusConflict || !strings.Contains(html, "last active admin") {
		t.Fatalf("disable the last admin: %d", code)
	}
	if code, _ := admin.PostForm(t, "/admin/users/delete", url.Values{"name": {"pc1"}, "confirm": {"pc"}}); code != http.StatusBadRequest {
		t.Fatalf("delete without the name typed: %d", code)
	}
	u, err := e.store.UserByName(context.Background(), "pc1")
	if err != nil || u.Role != watch.RoleAnalyst || u.Team != "North" || !u.Deleted.IsZero() {
		t.Fatalf("pc1 now %+v %v", u, err)
	}
	log, _ := e.store.AuditLog(context.Background(), 3)
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		got = append(got, log[i].Actor+":"+log[i].Action)
	}
	if strings.Join(got, " ") != "boss:user_role boss:user_team boss:sessions_revoke" {
		t.Fatalf("audit %v", got)
	}
}
