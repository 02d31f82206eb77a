package ui

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// A session ends after its role's idle timeout without a person's
// activity, though its fixed expiry is hours away; a board's background
// reads are not activity, opening a page or reporting input is.
func TestSessionIdleTimeoutByRole(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	e := newEnvWith(t, func(o *Options) {
		o.Now = clock.Now
		o.SessionIdle = 30 * time.Minute
		o.SessionIdleByRole = map[watch.Role]time.Duration{watch.RoleOfficer: 10 * time.Minute}
	})
	e.addUser(t, "pc1", watch.RoleOfficer)
	e.addUser(t, "an1", watch.RoleAnalyst)
	pc, an := e.signIn(t, "pc1"), e.signIn(t, "an1")

	// the header says when the session ends if idle
	_, html := pc.Get(t, "/board/all")
	if !strings.Contains(html, `data-ends="2026-12-03T07:10:00Z"`) || !strings.Contains(html, "Signs out after 10 min idle") {
		t.Fatalf("the header does not show the idle end:\n%s", html)
	}
	// a page opened is activity: the end moves
	clock.Add(8 * time.Minute)
	if code, html := pc.Get(t, "/operations"); code != http.StatusOK || !strings.Contains(html, `data-ends="2026-12-03T07:18:00Z"`) {
		t.Fatalf("after a page: %d, idle end not moved", code)
	}
	// the input the page reports is activity too
	clock.Add(8 * time.Minute)
	if code, body := pc.PostJSON(t, "/api/activity", nil, true); code != http.StatusOK || body["idle_ends"] != "2026-12-03T07:26:00Z" {
		t.Fatalf("activity: %d %v", code, body)
	}
	// background reads are not: the board's snapshot and the session check
	for range 3 {
		clock.Add(3 * time.Minute)
		if code, _ := pc.Get(t, "/api/boards/all/snapshot"); code != http.StatusOK {
			t.Fatalf("snapshot while live: %d", code)
		}
		if code, _ := pc.Get(t, "/api/session"); code != http.StatusOK {
			t.Fatalf("session check while live: %d", code)
		}
	}
	clock.Add(time.Minute) // 10 minutes since the last activity
	if code, _ := pc.Get(t, "/api/session"); code != http.StatusUnauthorized {
		t.Fatalf("officer's session after 10 idle minutes: %d, want 401", code)
	}
	if code, _ := pc.Get(t, "/board/all"); code != http.StatusSeeOther {
		t.Fatalf("officer's board after the idle timeout: %d, want a redirect to sign in", code)
	}
	// the analyst's role allows 30 minutes
	if code, _ := an.Get(t, "/board/all"); code != http.StatusOK {
		t.Fatalf("analyst after 26 idle minutes: %d", code)
	}
	clock.Add(30 * time.Minute)
	r, err := an.Client.Get(an.Base + "/board/all")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login?ended=idle" {
		t.Fatalf("analyst after 30 idle minutes: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if _, html := an.Get(t, "/login?ended=idle"); !strings.Contains(html, "signed out after a time without activity") {
		t.Fatal("the sign-in page does not say why")
	}
	log, _ := e.store.AuditLog(context.Background(), 5)
	var ended int
	for _, a := range log {
		if a.Action == "session_idle" {
			ended++
		}
	}
	if ended != 2 {
		t.Fatalf("%d idle endings audited, want 2: %+v", ended, log)
	}
}
