package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func (s *session) putJSON(t *testing.T, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, s.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", s.CSRF)
	r, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

func TestHitsPageAPI(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleViewer)
	for i := range 5 {
		e.recordHit(t, fmt.Sprint("k", i), "rave", "op1")
	}
	s := e.signIn(t, "pc1")
	code, body := s.Get(t, "/api/boards/op1/hits?before=4&limit=2")
	var page struct {
		Hits []watch.HitView `json:"hits"`
		More bool            `json:"more"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || code != 200 {
		t.Fatalf("HTTP %d %v: %s", code, err, body)
	}
	if len(page.Hits) != 2 || page.Hits[0].ID != 3 || page.Hits[1].ID != 2 || !page.More {
		t.Fatalf("page %+v", page)
	}
	for path, want := range map[string]int{
		"/api/boards/op1/hits":                  400,
		"/api/boards/op1/hits?before=x":         400,
		"/api/boards/op1/hits?before=3&limit=0": 400,
		"/api/boards/nope/hits?before=3":        404,
	} {
		if code, _ := s.Get(t, path); code != want {
			t.Errorf("%s: HTTP %d, want %d", path, code, want)
		}
	}
}

func TestBoardPrefsAPI(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleViewer)
	e.addUser(t, "pc2", watch.RoleViewer)
	s := e.signIn(t, "pc1")
	if code, body := s.putJSON(t, "/api/prefs", `{"sound":["critical"],"notify":["high","critical"]}`); code != 200 {
		t.Fatalf("HTTP %d: %s", code, body)
	}
	if code, _ := s.putJSON(t, "/api/prefs", `{"sound":["<script>"]}`); code != 400 {
		t.Fatalf("an unknown severity: HTTP %d", code)
	}
	_, body := s.Get(t, "/api/prefs")
	if !strings.Contains(body, `"sound":["critical"]`) || !strings.Contains(body, `"notify":["high","critical"]`) {
		t.Fatalf("prefs %s", body)
	}
	// each person's own
	_, body = e.signIn(t, "pc2").Get(t, "/api/prefs")
	if !strings.Contains(body, `"sound":[]`) {
		t.Fatalf("another person's prefs %s", body)
	}
}

// A configured tile server's origin (and no other) may serve images.
func TestMapTilesInCSP(t *testing.T) {
	for tiles, want := range map[string]string{
		"": "img-src 'self'; ",
		"https://tiles.force.internal/{z}/{x}/{y}.png": "img-src 'self' https://tiles.force.internal; ",
		"https://{s}.tiles.example:8443/{z}/{x}/{y}":   "img-src 'self' https://*.tiles.example:8443; ",
	} {
		e := newEnvWith(t, func(o *Options) { o.Map = MapOptions{Tiles: tiles} })
		r, err := http.Get(e.ts.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, want) {
			t.Errorf("tiles %q: CSP %q, want %q", tiles, csp, want)
		}
	}
}

// A wall with rotation names the next board and how long it stays; without
// it, it stays.
func TestWallRotation(t *testing.T) {
	ops := []watch.Operation{{ID: "op1", Name: "One", WatchLists: []string{"ume"}}, {ID: "op2", Name: "Two", WatchLists: []string{"ume"}}}
	e := newEnvWith(t, func(o *Options) { o.Operations = ops; o.Wall = WallOptions{Rotate: 45 * time.Second} })
	e.addUser(t, "pc1", watch.RoleViewer)
	s := e.signIn(t, "pc1")
	_, body := s.Get(t, "/board/op2?wall=1")
	if !strings.Contains(body, `data-rotate="45" data-next="all"`) {
		t.Fatalf("wall of op2 does not rotate to the all board")
	}
	_, body = s.Get(t, "/board/op2")
	if !strings.Contains(body, `data-rotate="0" data-next=""`) {
		t.Fatalf("a board not on the wall rotates")
	}
	e = newEnvWith(t, func(o *Options) { o.Operations = ops })
	e.addUser(t, "pc1", watch.RoleViewer)
	if _, body = e.signIn(t, "pc1").Get(t, "/board/op1?wall=1"); !strings.Contains(body, `data-rotate="0"`) {
		t.Fatalf("the wall rotates by default")
	}
}
