package ui

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// putPrefs sends a write with the given token through s's cookies.
func putPrefs(t *testing.T, s *session, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, s.Base+"/api/prefs", strings.NewReader(`{"sound":[],"notify":[]}`))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("X-CSRF-Token", token)
	}
	r, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r.StatusCode
}

// The CSRF token is the session's: not one the caller picks, not another
// session's, and a new one at sign-in and at sign-out.
func TestCSRFTokenIsTiedToTheSessionAndRotates(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	e.addUser(t, "pc2", watch.RoleOfficer)

	anon := e.newClient(t)
	anon.Get(t, "/login")
	before := anon.CSRF
	if before == "" {
		t.Fatal("the sign-in page carries no token")
	}
	if code := anon.Login(t, "pc1", "pw-pc1-secret"); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", code)
	}
	a := &session{anon.Web}
	if a.CSRF == before {
		t.Fatal("the token did not change at sign-in")
	}
	if code := putPrefs(t, a, a.CSRF); code != http.StatusOK {
		t.Fatalf("write with the session's token: %d", code)
	}
	if code := putPrefs(t, a, before); code != http.StatusForbidden {
		t.Fatalf("write with the token from before sign-in: %d, want 403", code)
	}
	if code := putPrefs(t, a, ""); code != http.StatusBadRequest {
		t.Fatalf("write without a token: %d, want 400", code)
	}

	// a token the caller chose, sent as cookie and header alike (the
	// double-submit pattern the console used to accept)
	for _, name := range []string{"wr_csrf", "wr_pre"} {
		u, _ := url.Parse(e.ts.URL)
		a.Client.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: "chosen-by-me", Path: "/"}})
		if code := putPrefs(t, a, "chosen-by-me"); code != http.StatusForbidden {
			t.Fatalf("caller-chosen token in cookie %s and header: %d, want 403", name, code)
		}
	}

	// another person's token is worth nothing with this session
	b := e.signIn(t, "pc2")
	if b.CSRF == a.CSRF {
		t.Fatal("two sessions share a token")
	}
	if code := putPrefs(t, a, b.CSRF); code != http.StatusForbidden {
		t.Fatalf("pc1 writing with pc2's token: %d, want 403", code)
	}

	// sign-out: the old token dies with the session, the sign-in page gets a new one
	old := a.CSRF
	if code, _ := a.PostForm(t, "/logout", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", code)
	}
	a.Get(t, "/login")
	if a.CSRF == old || a.CSRF == before {
		t.Fatal("the token did not change at sign-out")
	}
	if code, _ := a.PostForm(t, "/login", url.Values{"username": {"pc1"}, "password": {"pw-pc1-secret"}, "_csrf": {old}}); code != http.StatusForbidden {
		t.Fatalf("signing in with the signed-out session's token: %d, want 403", code)
	}
}

// Where the outside is HTTPS the cookies carry the __Host- prefix (with
// Secure, Path=/ and no Domain); over plain HTTP on loopback they do not.
func TestCookiesUseHostPrefixWhenSecure(t *testing.T) {
	for _, secure := range []bool{false, true} {
		e := newEnvWith(t, func(o *Options) { o.Secure = secure })
		e.addUser(t, "pc1", watch.RoleOfficer)
		prefix := map[bool]string{true: "__Host-"}[secure]
		r, err := http.Get(e.ts.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		var pre *http.Cookie
		for _, c := range r.Cookies() {
			if c.Name == prefix+preCookieName {
				pre = c
			}
		}
		if pre == nil || pre.Secure != secure || pre.Path != "/" || pre.Domain != "" || !pre.HttpOnly {
			t.Fatalf("secure=%v: sign-in page cookies %v", secure, r.Cookies())
		}
		// sign in by hand: a cookie jar would not send a Secure cookie over http
		page, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/login", nil)
		page.AddCookie(&http.Cookie{Name: pre.Name, Value: pre.Value})
		pr, err := http.DefaultClient.Do(page)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(pr.Body)
		pr.Body.Close()
		tok := csrfMetaValue(string(body))
		form := url.Values{"username": {"pc1"}, "password": {"pw-pc1-secret"}, "_csrf": {tok}}
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: pre.Name, Value: pre.Value})
		lr, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		lr.Body.Close()
		var ses *http.Cookie
		for _, c := range lr.Cookies() {
			if c.Name == prefix+sessionCookieName && c.Value != "" {
				ses = c
			}
		}
		if lr.StatusCode != http.StatusSeeOther || ses == nil || ses.Secure != secure || ses.Path != "/" || ses.Domain != "" {
			t.Fatalf("secure=%v: sign-in %d cookies %v", secure, lr.StatusCode, lr.Cookies())
		}
	}
}

func csrfMetaValue(html string) string {
	const k = `name="csrf-token" content="`
	i := strings.Index(html, k)
	if i < 0 {
		return ""
	}
	rest := html[i+len(k):]
	return rest[:strings.IndexByte(rest, '"')]
}
