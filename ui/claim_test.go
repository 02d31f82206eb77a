package ui

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

func auditLines(t *testing.T, e *testEnv, action string) []string {
	t.Helper()
	log, err := e.store.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	slices.Reverse(log) // oldest first
	for _, a := range log {
		if strings.HasPrefix(a.Action, action) {
			out = append(out, a.Actor+" "+a.Action+" "+a.Target+" "+a.Detail)
		}
	}
	return out
}

// Officers claim and release through the API: the server refuses viewers,
// requests without the CSRF token, a second claimant and a hit that does
// not exist; an acknowledgement by the holder releases the claim, a note
// does not. Every take and release is audited.
func TestClaimAPI(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	e.addUser(t, "pc2", watch.RoleOfficer)
	e.addUser(t, "viewer1", watch.RoleViewer)
	s1, s2, v := e.signIn(t, "pc1"), e.signIn(t, "pc2"), e.signIn(t, "viewer1")
	h := e.recordHit(t, "k", "rave tonight", "op1")
	claim := fmt.Sprintf("/api/hits/%d/claim", h.ID)
	release := fmt.Sprintf("/api/hits/%d/release", h.ID)

	if code, _ := v.PostJSON(t, claim, nil, true); code != http.StatusForbidden {
		t.Fatalf("viewer claim: HTTP %d, want 403", code)
	}
	if code, _ := s1.PostJSON(t, claim, nil, false); code != http.StatusBadRequest || len(e.hub.Claims()) != 0 {
		t.Fatalf("claim without CSRF: HTTP %d, want 400 (echo's answer to a missing token)", code)
	}
	if code, _ := s1.PostJSON(t, "/api/hits/999/claim", nil, true); code != http.StatusNotFound {
		t.Fatalf("claim of no hit: HTTP %d, want 404", code)
	}
	if code, body := s1.PostJSON(t, claim, nil, true); code != http.StatusOK || body["name"] != "pc1" {
		t.Fatalf("claim: %d %v", code, body)
	}
	if code, body := s2.PostJSON(t, claim, nil, true); code != http.StatusConflict || !strings.Contains(fmt.Sprint(body), "pc1") {
		t.Fatalf("second claim: %d %v", code, body)
	}
	if code, _ := s2.PostJSON(t, release, nil, true); code != http.StatusConflict {
		t.Fatalf("release by another: HTTP %d, want 409", code)
	}
	// soft: the other officer may still annotate
	if code, _ := s2.PostJSON(t, fmt.Sprintf("/api/hits/%d/annotations", h.ID), map[string]any{"note": "seen it too"}, true); code != http.StatusCreated {
		t.Fatalf("annotate a claimed hit: HTTP %d", code)
	}
	if code, _ := s1.PostJSON(t, fmt.Sprintf("/api/hits/%d/annotations", h.ID), map[string]any{"note": "working"}, true); code != http.StatusCreated {
		t.Fatalf("note: HTTP %d", code)
	}
	if n := len(e.hub.Claims()); n != 1 {
		t.Fatalf("a note released the claim: %d claims", n)
	}
	if code, _ := s1.PostJSON(t, fmt.Sprintf("/api/hits/%d/annotations", h.ID), map[string]any{"kind": "ack"}, true); code != http.StatusCreated {
		t.Fatalf("ack: HTTP %d", code)
	}
	if n := len(e.hub.Claims()); n != 0 {
		t.Fatalf("the acknowledgement left %d claims", n)
	}
	if code, _ := s1.PostJSON(t, claim, nil, true); code != http.StatusOK {
		t.Fatalf("claim again: HTTP %d", code)
	}
	if code, _ := s1.PostJSON(t, release, nil, true); code != http.StatusNoContent {
		t.Fatalf("release: HTTP %d", code)
	}
	got := auditLines(t, e, "claim")
	want := []string{"pc1 claim hit:1", "pc1 claim_release hit:1 reason=annotated", "pc1 claim hit:1", "pc1 claim_release hit:1 reason=released"}
	if len(got) != len(want) {
		t.Fatalf("audit %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Fatalf("audit %q, want %q", got, want)
		}
	}
	if err := e.store.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}
