package ui

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

type testEnv struct {
	ts    *httptest.Server
	store *store.Store
	hub   *live.Hub
	path  string
	srv   *Server
}

var testLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	return newEnvAt(t, filepath.Join(t.TempDir(), "w.db"))
}

func newEnvAt(t *testing.T, path string) *testEnv {
	t.Helper()
	return newEnvWithAt(t, path, nil)
}

// newEnvWith is newEnv with options changed by edit.
func newEnvWith(t *testing.T, edit func(*Options)) *testEnv {
	t.Helper()
	return newEnvWithAt(t, filepath.Join(t.TempDir(), "w.db"), edit)
}

func newEnvWithAt(t *testing.T, path string, edit func(*Options)) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, testLogger, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hub := live.NewHub(st, testLogger, live.Options{Audit: st.Audit})
	st.SetPublisher(hub.Publish)
	opts := Options{Store: st, Hub: hub, Logger: testLogger,
		Operations: []watch.Operation{{ID: "op1", Name: "Operation One", WatchLists: []string{"ume"}}},
		Sources:    []watch.Source{{ID: "src", Name: "Source", Kind: "feed"}},
		Location:   time.UTC, PasswordCost: bcrypt.MinCost}
	if edit != nil {
		edit(&opts)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hub.CloseAll(); ts.Close(); st.Close() })
	return &testEnv{ts: ts, store: st, hub: hub, path: path, srv: srv}
}

var hashCache = map[string]string{}

func (e *testEnv) addUser(t *testing.T, name string, role watch.Role) {
	t.Helper()
	h, ok := hashCache["pw-"+name]
	if !ok {
		var err error
		if h, err = HashPasswordCost("pw-"+name+"-secret", bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
		hashCache["pw-"+name] = h
	}
	if _, err := e.store.CreateUser(context.Background(), watch.User{Name: name, Role: role, PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
}

// session is a signed-in HTTP client.
type session struct {
	c    *http.Client
	csrf string
	base string
}

var csrfRe = regexp.MustCompile(`name="csrf-token" content="([^"]+)"`)

func (e *testEnv) newClient(t *testing.T) *session {
	jar, _ := cookiejar.New(nil)
	return &session{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: e.ts.URL}
}

func (s *session) page(t *testing.T, path string) (int, string) {
	t.Helper()
	r, err := s.c.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if m := csrfRe.FindSubmatch(b); m != nil {
		s.csrf = string(m[1])
	}
	return r.StatusCode, string(b)
}

func (s *session) login(t *testing.T, name, pw string) int {
	t.Helper()
	s.page(t, "/login")
	r, err := s.c.PostForm(s.base+"/login", url.Values{"username": {name}, "password": {pw}, "_csrf": {s.csrf}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode == http.StatusSeeOther {
		s.page(t, "/board/all") // pick up the page's CSRF token
	}
	return r.StatusCode
}

func (e *testEnv) signIn(t *testing.T, name string) *session {
	t.Helper()
	s := e.newClient(t)
	if code := s.login(t, name, "pw-"+name+"-secret"); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: HTTP %d", name, code)
	}
	return s
}

func (s *session) postJSON(t *testing.T, path string, body any, withCSRF bool) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, s.base+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	if withCSRF {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	r, err := s.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(r.Body).Decode(&out)
	return r.StatusCode, out
}

// recordHit writes a matching item through the real write path.
func (e *testEnv) recordHit(t *testing.T, key, title string, ops ...string) watch.HitView {
	t.Helper()
	_, views, err := e.store.RecordItem(context.Background(),
		watch.Item{SourceID: "src", Key: key, Title: title, URL: "https://example.org/" + key},
		[]watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: ops}})
	if err != nil || len(views) != 1 {
		t.Fatalf("record hit: %v %v", views, err)
	}
	return views[0]
}
