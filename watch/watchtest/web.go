package watchtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Web is one person using the console over HTTP: a cookie jar that keeps
// the session, and the CSRF token of the last page that carried one.
type Web struct {
	Client *http.Client
	Base   string // http://host:port
	CSRF   string
}

var csrfMeta = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

// NewWeb returns a client of the console at base that does not follow
// redirects (tests look at them).
func NewWeb(base string) *Web {
	jar, _ := cookiejar.New(nil)
	return &Web{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, Base: base}
}

// SignIn signs name in with password through the sign-in form, failing the
// test unless the console accepts it, and picks up a page's CSRF token.
func SignIn(t testing.TB, base, name, password string) *Web {
	t.Helper()
	w := NewWeb(base)
	if code := w.Login(t, name, password); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: HTTP %d", name, code)
	}
	return w
}

// Login posts the sign-in form (with the token from /login) and returns
// the status; on success it loads the board for the page's CSRF token.
func (w *Web) Login(t testing.TB, name, password string) int {
	t.Helper()
	w.Get(t, "/login")
	code, _ := w.PostForm(t, "/login", url.Values{"username": {name}, "password": {password}})
	if code == http.StatusSeeOther {
		w.Get(t, "/board/all")
	}
	return code
}

// Get fetches a page and keeps its CSRF token.
func (w *Web) Get(t testing.TB, path string) (int, string) {
	t.Helper()
	r, err := w.Client.Get(w.Base + path)
	if err != nil {
		t.Fatal(err)
	}
	return w.read(r)
}

// PostForm sends a form with the CSRF token, as the page's forms do.
func (w *Web) PostForm(t testing.TB, path string, form url.Values) (int, string) {
	t.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", w.CSRF)
	}
	r, err := w.Client.PostForm(w.Base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return w.read(r)
}

func (w *Web) read(r *http.Response) (int, string) {
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfMeta.FindSubmatch(b); m != nil {
		w.CSRF = string(m[1])
	}
	return r.StatusCode, string(b)
}

// DialBoard opens the live board's websocket with the session's cookie
// (query is the URL's query, e.g. "board=all"); origin "" sends none.
func (w *Web) DialBoard(query, origin string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	d := websocket.Dialer{Jar: w.Client.Jar, HandshakeTimeout: 10 * time.Second}
	return d.Dial("ws"+strings.TrimPrefix(w.Base, "http")+"/ws?"+query, h)
}

// PostJSON sends body as JSON, with the CSRF header when withCSRF, and
// decodes the answer as a JSON object (nil when it is not one).
func (w *Web) PostJSON(t testing.TB, path string, body any, withCSRF bool) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, w.Base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if withCSRF {
		req.Header.Set("X-CSRF-Token", w.CSRF)
	}
	r, err := w.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(r.Body).Decode(&out)
	return r.StatusCode, out
}
