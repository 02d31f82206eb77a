package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

func TestAnnotateReachesEveryBoardIncludingAuthor(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	e.addUser(t, "pc2", watch.RoleOfficer)
	s1, s2 := e.signIn(t, "pc1"), e.signIn(t, "pc2")
	h := e.recordHit(t, "k", "rave tonight", "op1")
	q := fmt.Sprintf("board=op1&after=1&epoch=%s", e.store.Epoch())
	c1, _, err := e.dial(t, s1, q, e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, _, err := e.dial(t, s2, q, e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()

	code, body := s1.PostJSON(t, fmt.Sprintf("/api/hits/%d/annotations", h.ID),
		map[string]any{"note": "Known promoter", "tags": []string{"UME", " ume ", "music"}}, true)
	if code != http.StatusCreated || body["author"] != "pc1" {
		t.Fatalf("annotate: %d %v", code, body)
	}
	first := int64(body["id"].(float64))
	for _, c := range []any{c1, c2} {
		_ = c
	}
	for i, c := range []*struct{ name string }{{"author"}, {"other"}} {
		conn := c1
		if i == 1 {
			conn = c2
		}
		m := read(t, conn)
		if m.Type != "annotation" || m.Seq != 2 || !strings.Contains(string(m.Data), `"Known promoter"`) ||
			!strings.Contains(string(m.Data), `"tags":["ume","music"]`) {
			t.Fatalf("%s board got %+v %s", c.name, m, m.Data)
		}
	}
	// a correction supersedes, and both stay in the history
	code, body = s2.PostJSON(t, fmt.Sprintf("/api/hits/%d/annotations", h.ID),
		map[string]any{"note": "Not the promoter: namesake", "supersedes": first}, true)
	if code != http.StatusCreated {
		t.Fatalf("correct: %d %v", code, body)
	}
	v, err := e.store.Hit(context.Background(), h.ID)
	if err != nil || len(v.Annotations) != 2 || v.Annotations[1].Supersedes != first {
		t.Fatalf("history: %+v %v", v.Annotations, err)
	}
}

func TestAnnotateRefusals(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	e.addUser(t, "viewer1", watch.RoleViewer)
	h := e.recordHit(t, "k", "rave", "op1")
	path := fmt.Sprintf("/api/hits/%d/annotations", h.ID)
	officer, viewer := e.signIn(t, "pc1"), e.signIn(t, "viewer1")
	anon := e.newClient(t)
	anon.Get(t, "/login")
	cases := []struct {
		name string
		s    *session
		path string
		body any
		csrf bool
		want int
	}{
		{"viewer", viewer, path, map[string]any{"note": "x"}, true, http.StatusForbidden},
		{"no session", anon, path, map[string]any{"note": "x"}, true, http.StatusUnauthorized},
		{"no csrf token", officer, path, map[string]any{"note": "x"}, false, http.StatusBadRequest},
		{"empty", officer, path, map[string]any{"note": "  "}, true, http.StatusBadRequest},
		{"too long", officer, path, map[string]any{"note": strings.Repeat("a", 4001)}, true, http.StatusBadRequest},
		{"missing hit", officer, "/api/hits/999/annotations", map[string]any{"note": "x"}, true, http.StatusNotFound},
		{"bad id", officer, "/api/hits/abc/annotations", map[string]any{"note": "x"}, true, http.StatusBadRequest},
		{"supersedes other hit's", officer, path, map[string]any{"note": "x", "supersedes": 12345}, true, http.StatusBadRequest},
	}
	for _, c := range cases {
		code, body := c.s.PostJSON(t, c.path, c.body, c.csrf)
		if code != c.want {
			t.Errorf("%s: HTTP %d %v, want %d", c.name, code, body, c.want)
		}
		if body["error"] == nil {
			t.Errorf("%s: no error message in %v", c.name, body)
		}
	}
	if v, _ := e.store.Hit(context.Background(), h.ID); len(v.Annotations) != 0 {
		t.Fatalf("a refused annotation was stored: %+v", v.Annotations)
	}
	// the viewer's page offers no annotation control
	_, html := viewer.Get(t, "/board/op1")
	if !strings.Contains(html, `data-can-annotate="no"`) {
		t.Fatal("viewer's board allows annotating")
	}
	_, html = officer.Get(t, "/board/op1")
	if !strings.Contains(html, `data-can-annotate="yes"`) {
		t.Fatal("officer's board does not allow annotating")
	}
}

func TestLoginLogoutAndAudit(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	s := e.newClient(t)
	if code, _ := s.Get(t, "/board/all"); code != http.StatusSeeOther {
		t.Fatalf("board without a session: %d", code)
	}
	if code := s.Login(t, "pc1", "wrong-password"); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d", code)
	}
	if code := s.Login(t, "nobody", "whatever-pw"); code != http.StatusUnauthorized {
		t.Fatalf("unknown user: %d", code)
	}
	// the form without its CSRF token is refused
	r, err := s.Client.PostForm(e.ts.URL+"/login", url.Values{"username": {"pc1"}, "password": {"pw-pc1-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusForbidden {
		t.Fatalf("login without csrf: %d", r.StatusCode)
	}
	s.Get(t, "/login")
	r, err = s.Client.PostForm(e.ts.URL+"/login", url.Values{"username": {"pc1"}, "password": {"pw-pc1-secret"}, "_csrf": {s.CSRF}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == sessionCookieName {
			cookie = c
		}
	}
	if r.StatusCode != http.StatusSeeOther || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode || cookie.Secure {
		t.Fatalf("login: %d cookie %+v", r.StatusCode, cookie)
	}
	code, html := s.Get(t, "/board/all")
	if code != 200 || !strings.Contains(html, "pc1") {
		t.Fatalf("board: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/logout", strings.NewReader(url.Values{"_csrf": {s.CSRF}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r, err = s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if code, _ := s.Get(t, "/board/all"); code != http.StatusSeeOther {
		t.Fatalf("board after sign-out: %d", code)
	}
	log, _ := e.store.AuditLog(context.Background(), 20)
	var actions []string
	for i := len(log) - 1; i >= 0; i-- {
		actions = append(actions, log[i].Action)
	}
	want := "user_add login_failed login_failed login board_view logout" // the board shown after sign-in is a consultation
	if strings.Join(actions, " ") != want {
		t.Fatalf("audit %q, want %q", strings.Join(actions, " "), want)
	}
}

func TestSecurityHeadersAndHealth(t *testing.T) {
	e := newEnv(t)
	r, err := http.Get(e.ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	csp := r.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "object-src 'none'") {
		t.Fatalf("CSP %q", csp)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/api/sources": 401, "/api/boards/all/snapshot": 401, "/static/board.js": 200} {
		r, err := http.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("%s: %d, want %d", path, r.StatusCode, want)
		}
	}
}
