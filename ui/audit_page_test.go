package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// The audit page and its export are for admins; a CSV cell that a
// spreadsheet would run as a formula is quoted.
func TestAuditPageAdminsOnlyAndFormulaSafe(t *testing.T) {
	e := listsEnv(t)
	if err := e.store.Audit(context.Background(), watch.AuditEntry{Actor: "pc1", Action: "search", Target: "board:all", Detail: "=cmd|' /C calc'!A0"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pc1", "an1"} {
		s := e.signIn(t, name)
		for _, p := range []string{"/audit", "/audit/export?format=csv"} {
			if code, _ := s.Get(t, p); code != http.StatusForbidden {
				t.Errorf("%s %s: HTTP %d, want 403", name, p, code)
			}
		}
	}
	s := e.signIn(t, "ad1")
	if code, body := s.Get(t, "/audit?actor=pc1&action=search"); code != http.StatusOK || !strings.Contains(body, "=cmd|&#39; /C calc&#39;!A0") {
		t.Fatalf("page: HTTP %d\n%s", code, body)
	}
	code, body := s.Get(t, "/audit/export?format=csv&action=search")
	if code != http.StatusOK || !strings.Contains(body, `,pc1,search,board:all,'=cmd|' /C calc'!A0,`) {
		t.Fatalf("CSV: HTTP %d\n%s", code, body)
	}
	if code, _ := s.Get(t, "/audit/export?format=xml"); code != http.StatusBadRequest {
		t.Errorf("format xml: HTTP %d", code)
	}
	if code, _ := s.Get(t, "/audit/export?format=csv&from=yesterday"); code != http.StatusBadRequest {
		t.Errorf("a bad time: HTTP %d", code)
	}
}
