package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/watchtest"
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
	now := time.Now // the store keeps the server's clock, set by edit below
	st, err := store.Open(ctx, path, testLogger, store.Options{Now: func() time.Time { return now() }})
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
	if opts.Now != nil {
		now = opts.Now
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
type session struct{ *watchtest.Web }

func (e *testEnv) newClient(t *testing.T) *session {
	return &session{watchtest.NewWeb(e.ts.URL)}
}

func (e *testEnv) signIn(t *testing.T, name string) *session {
	t.Helper()
	s := e.newClient(t)
	if code := s.Login(t, name, "pw-"+name+"-secret"); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: HTTP %d", name, code)
	}
	return s
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
