package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func listsEnv(t *testing.T) *testEnv {
	t.Helper()
	e := newEnvWith(t, func(o *Options) {
		o.WatchLists = []watch.WatchList{{ID: "ume", Name: "UME", Severity: "high", Terms: []string{"rave", "free party"}}}
	})
	for name, role := range map[string]watch.Role{"an1": watch.RoleAnalyst, "ad1": watch.RoleAdmin, "pc1": watch.RoleOfficer, "vw1": watch.RoleViewer} {
		e.addUser(t, name, role)
	}
	return e
}

// lastAudit returns the newest audit entry's action and its old and new queries.
func lastAudit(t *testing.T, e *testEnv) (string, string, string) {
	t.Helper()
	log, err := e.store.AuditLog(context.Background(), 1)
	if err != nil || len(log) == 0 {
		t.Fatalf("audit: %v", err)
	}
	var d struct {
		Old, New *struct{ Query string }
	}
	if err := json.Unmarshal([]byte(log[0].Detail), &d); err != nil {
		t.Fatalf("audit detail %q: %v", log[0].Detail, err)
	}
	oldQ, newQ := "<none>", "<none>"
	if d.Old != nil {
		oldQ = d.Old.Query
	}
	if d.New != nil {
		newQ = d.New.Query
	}
	return log[0].Action, oldQ, newQ
}

func listOf(t *testing.T, s *session, id string) map[string]any {
	t.Helper()
	code, body := s.Get(t, "/api/watchlists")
	if code != 200 {
		t.Fatalf("list: HTTP %d", code)
	}
	var out struct{ Lists []map[string]any }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	for _, l := range out.Lists {
		if l["id"] == id {
			return l
		}
	}
	return nil
}

func TestWatchListEditorRolesAndCSRF(t *testing.T) {
	e := listsEnv(t)
	draft := map[string]any{"id": "drill", "query": "drill*", "severity": "high"}
	for _, name := range []string{"pc1", "vw1"} {
		s := e.signIn(t, name)
		for _, path := range []string{"/watchlists", "/api/watchlists"} {
			if code, _ := s.Get(t, path); code != http.StatusForbidden {
				t.Errorf("%s GET %s: HTTP %d", name, path, code)
			}
		}
		for _, path := range []string{"/api/watchlists", "/api/watchlists/check", "/api/watchlists/try", "/api/watchlists/ume/save", "/api/watchlists/ume/disable"} {
			if code, _ := s.PostJSON(t, path, draft, true); code != http.StatusForbidden {
				t.Errorf("%s POST %s: HTTP %d", name, path, code)
			}
		}
	}
	an := e.signIn(t, "an1")
	if code, _ := an.PostJSON(t, "/api/watchlists", draft, false); code == http.StatusOK {
		t.Fatal("saved without a CSRF token")
	}
	if l := listOf(t, an, "drill"); l != nil {
		t.Fatalf("stored without a CSRF token: %v", l)
	}
	for i, name := range []string{"an1", "ad1"} {
		s := e.signIn(t, name)
		d := map[string]any{"id": fmt.Sprintf("drill%d", i), "query": "drill*"}
		if code, body := s.PostJSON(t, "/api/watchlists", d, true); code != http.StatusOK || body["in_force"] != true {
			t.Fatalf("%s create: HTTP %d %v", name, code, body)
		}
	}
}

func TestWatchListCreateEditRevertDeleteAudited(t *testing.T) {
	e := listsEnv(t)
	s := e.signIn(t, "an1")
	code, body := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "drill", "name": "Drill", "query": `drill* -police`,
		"severity": "critical", "sources": []string{"src"}, "operations": []string{"op1"}}, true)
	if code != 200 || body["in_force"] != true {
		t.Fatalf("create: HTTP %d %v", code, body)
	}
	if a, o, n := lastAudit(t, e); a != "watchlist_create" || o != "<none>" || n != `drill* -police` {
		t.Fatalf("audit %s %q %q", a, o, n)
	}
	l := listOf(t, s, "drill")
	if l == nil || l["origin"] != "web" || l["rev"] != 1.0 || l["severity"] != "critical" || fmt.Sprint(l["operations"]) != "[op1]" {
		t.Fatalf("created %v", l)
	}
	// the same id again, a bad query, an unknown source: refused, nothing written
	if code, _ := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "drill", "query": "x"}, true); code != http.StatusConflict {
		t.Fatalf("duplicate id: HTTP %d", code)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "ume", "query": "x"}, true); code != http.StatusConflict {
		t.Fatalf("a config list's id: HTTP %d", code)
	}
	code, body = s.PostJSON(t, "/api/watchlists", map[string]any{"id": "bad", "query": "(drill OR grime) AND"}, true)
	check, _ := body["check"].(map[string]any)
	if code != http.StatusBadRequest || check == nil || check["column"] != 18.0 || !strings.HasSuffix(check["caret"].(string), "\n                 ^^^") {
		t.Fatalf("bad query: HTTP %d %v", code, body)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "bad", "query": "x", "sources": []string{"nope"}}, true); code != http.StatusBadRequest {
		t.Fatalf("unknown source: HTTP %d", code)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "Bad Id", "query": "x"}, true); code != http.StatusBadRequest {
		t.Fatalf("bad id: HTTP %d", code)
	}
	if a, _, _ := lastAudit(t, e); a != "watchlist_create" {
		t.Fatalf("a refused change was audited: %s", a)
	}

	// edit the web list; a stale revision is refused
	if code, _ := s.PostJSON(t, "/api/watchlists/drill/save", map[string]any{"query": "drill* OR grime", "rev": 1}, true); code != 200 {
		t.Fatalf("edit: HTTP %d", code)
	}
	if a, o, n := lastAudit(t, e); a != "watchlist_edit" || o != `drill* -police` || n != `drill* OR grime` {
		t.Fatalf("audit %s %q %q", a, o, n)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/drill/save", map[string]any{"query": "grime", "rev": 1}, true); code != http.StatusConflict {
		t.Fatalf("stale edit: HTTP %d", code)
	}

	// edit the config list: a database override, shown as such, revertable
	if l := listOf(t, s, "ume"); l["origin"] != "config" || l["query"] != `rave OR "free party"` {
		t.Fatalf("config list %v", l)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/ume/save", map[string]any{"query": `rave -cancelled`, "severity": "high", "rev": 0}, true); code != 200 {
		t.Fatalf("override: HTTP %d", code)
	}
	if a, o, n := lastAudit(t, e); a != "watchlist_edit" || o != `rave OR "free party"` || n != `rave -cancelled` {
		t.Fatalf("audit %s %q %q", a, o, n)
	}
	l = listOf(t, s, "ume")
	if l["origin"] != "config_changed" || l["query"] != "rave -cancelled" || l["config_query"] != `rave OR "free party"` {
		t.Fatalf("override %v", l)
	}
	_, html := s.Get(t, "/watchlists")
	if !strings.Contains(html, "config, changed in the web") || !strings.Contains(html, `data-action="revert"`) ||
		!strings.Contains(html, `The config file's version, in force again if this change is reverted: <span class="mono">rave OR &#34;free party&#34;</span>`) {
		t.Fatal("the page does not show the override")
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/ume/delete", map[string]any{"rev": 1}, true); code != http.StatusConflict {
		t.Fatalf("delete a config list: HTTP %d", code)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/ume/revert", map[string]any{"rev": 1}, true); code != 200 {
		t.Fatalf("revert: HTTP %d", code)
	}
	if a, o, n := lastAudit(t, e); a != "watchlist_revert" || o != "rave -cancelled" || n != `rave OR "free party"` {
		t.Fatalf("audit %s %q %q", a, o, n)
	}
	if l := listOf(t, s, "ume"); l["origin"] != "config" {
		t.Fatalf("reverted %v", l)
	}

	// disable and enable a config list; delete the web list
	if code, _ := s.PostJSON(t, "/api/watchlists/ume/disable", map[string]any{"rev": 0}, true); code != 200 {
		t.Fatalf("disable: HTTP %d", code)
	}
	if l := listOf(t, s, "ume"); l["disabled"] != true || l["origin"] != "config_changed" {
		t.Fatalf("disabled %v", l)
	}
	if a, _, _ := lastAudit(t, e); a != "watchlist_disable" {
		t.Fatalf("audit %s", a)
	}
	// enabled again, it is the config file's list again, not an override
	if code, _ := s.PostJSON(t, "/api/watchlists/ume/enable", map[string]any{"rev": 1}, true); code != 200 {
		t.Fatalf("enable: HTTP %d", code)
	}
	if l := listOf(t, s, "ume"); l["disabled"] != false || l["origin"] != "config" {
		t.Fatalf("enabled %v", l)
	}
	if a, _, _ := lastAudit(t, e); a != "watchlist_enable" {
		t.Fatalf("audit %s", a)
	}
	// a list whose id is a word of the API is edited like any other
	if code, body := s.PostJSON(t, "/api/watchlists", map[string]any{"id": "check", "query": "x"}, true); code != 200 {
		t.Fatalf("create check: HTTP %d %v", code, body)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/check/save", map[string]any{"query": "y", "rev": 1}, true); code != 200 {
		t.Fatalf("edit check: HTTP %d", code)
	}
	if code, _ := s.PostJSON(t, "/api/watchlists/drill/delete", map[string]any{"rev": 2}, true); code != 200 {
		t.Fatalf("delete: HTTP %d", code)
	}
	if a, o, n := lastAudit(t, e); a != "watchlist_delete" || o != "drill* OR grime" || n != "<none>" {
		t.Fatalf("audit %s %q %q", a, o, n)
	}
	if l := listOf(t, s, "drill"); l != nil {
		t.Fatalf("deleted list still there: %v", l)
	}
	if err := e.store.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestWatchListSyntaxCheck(t *testing.T) {
	e := listsEnv(t)
	s := e.signIn(t, "an1")
	for _, c := range []struct {
		q           string
		ok          bool
		pos, column int
		caret, msg  string
	}{
		{q: `drill* OR "free party"`, ok: true},
		{q: `(drill OR grime) AND`, pos: 17, column: 18, caret: "(drill OR grime) AND\n                 ^^^", msg: "AND needs a term after it"},
		{q: `(drill`, pos: 0, column: 1, caret: "(drill\n^", msg: "unclosed ("},
		{q: `autor:bob`, pos: 0, column: 1, caret: "autor:bob\n^^^^^^", msg: `unknown field "autor:"`},
		{q: "和平 AND", pos: 7, column: 4, caret: "和平 AND\n     ^^^", msg: "AND needs a term after it"},
	} {
		code, body := s.PostJSON(t, "/api/watchlists/check", map[string]string{"query": c.q}, true)
		if code != 200 || body["ok"] != c.ok {
			t.Errorf("%q: HTTP %d %v", c.q, code, body)
			continue
		}
		if c.ok {
			continue
		}
		if body["pos"] != float64(c.pos) || body["column"] != float64(c.column) || body["caret"] != c.caret || !strings.Contains(body["message"].(string), c.msg) {
			t.Errorf("%q: %v", c.q, body)
		}
	}
}

func TestWatchListTryItNewLostUnchanged(t *testing.T) {
	e := listsEnv(t)
	ctx := context.Background()
	for i, title := range []string{"Rave tonight", "Drill night at the arches", "Free party in the woods", "Rave cancelled", "Bake sale"} {
		text := ""
		if title == "Bake sale" {
			text = "Ünïcode 和平 drill"
		}
		if _, _, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: fmt.Sprint(i), Title: title, Text: text},
			[]watch.Hit{{ListID: "ume"}}); err != nil {
			t.Fatal(err)
		}
	}
	s := e.signIn(t, "an1")
	code, body := s.PostJSON(t, "/api/watchlists/try", map[string]any{"days": 7,
		"list": map[string]any{"id": "ume", "query": `(rave OR drill) -cancelled`}}, true)
	if code != 200 {
		t.Fatalf("try: HTTP %d %v", code, body)
	}
	if body["scanned"] != 5.0 || body["new"] != 2.0 || body["lost"] != 2.0 || body["unchanged"] != 1.0 || body["draft"] != 3.0 || body["current"] != 3.0 {
		t.Fatalf("try %v", body)
	}
	items := body["items"].([]any)
	var got []string
	for _, x := range items {
		m := x.(map[string]any)
		got = append(got, m["status"].(string)+":"+m["item"].(map[string]any)["title"].(string))
	}
	// new first, then lost, then unchanged, newest first within each
	want := "new:Bake sale new:Drill night at the arches lost:Rave cancelled lost:Free party in the woods unchanged:Rave tonight"
	if strings.Join(got, " ") != want {
		t.Fatalf("items\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	// the spans are byte offsets into the original text, past multi-byte letters
	first := items[0].(map[string]any)
	spans := first["spans"].([]any)
	sp := spans[len(spans)-1].(map[string]any)
	text := "Ünïcode 和平 drill"
	if sp["field"] != "text" || text[int(sp["start"].(float64)):int(sp["end"].(float64))] != "drill" {
		t.Fatalf("spans %v", spans)
	}
	// a draft that does not parse is refused with where
	code, body = s.PostJSON(t, "/api/watchlists/try", map[string]any{"list": map[string]any{"id": "ume", "query": "rave AND"}}, true)
	if code != http.StatusBadRequest || body["check"] == nil {
		t.Fatalf("bad draft: HTTP %d %v", code, body)
	}
}

// Try it shows at most tryShowMax items, counting them all.
func TestWatchListTryItShowsACappedNumber(t *testing.T) {
	e := listsEnv(t)
	ctx := context.Background()
	for i := 0; i < tryShowMax+10; i++ {
		if _, _, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: fmt.Sprint(i), Title: fmt.Sprintf("drill %d", i)},
			[]watch.Hit{{ListID: "ume"}}); err != nil {
			t.Fatal(err)
		}
	}
	s := e.signIn(t, "an1")
	code, body := s.PostJSON(t, "/api/watchlists/try", map[string]any{"list": map[string]any{"id": "new1", "query": "drill"}, "days": 99}, true)
	if code != 200 || body["new"] != float64(tryShowMax+10) || body["shown"] != float64(tryShowMax) || len(body["items"].([]any)) != tryShowMax ||
		body["days"] != float64(tryDaysMax) || body["capped"] != false {
		t.Fatalf("try: HTTP %d new=%v shown=%v days=%v", code, body["new"], body["shown"], body["days"])
	}
}

// A try that runs past its time budget stops and says so, with what it
// scanned: a costly draft cannot hold the server for minutes. The clock
// moves a second each time it is read.
func TestWatchListTryItStopsAtItsTimeBudget(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	e := newEnvWith(t, func(o *Options) {
		o.WatchLists = []watch.WatchList{{ID: "ume", Name: "UME", Severity: "high", Terms: []string{"rave"}}}
		o.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Second)
			return now
		}
	})
	e.addUser(t, "an1", watch.RoleAnalyst)
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		if _, _, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: fmt.Sprint(i), Title: fmt.Sprintf("drill %d", i)},
			[]watch.Hit{{ListID: "ume"}}); err != nil {
			t.Fatal(err)
		}
	}
	s := e.signIn(t, "an1")
	code, body := s.PostJSON(t, "/api/watchlists/try", map[string]any{"list": map[string]any{"id": "ume", "query": "drill"}}, true)
	if code != 200 || body["stopped"] != true {
		t.Fatalf("try: HTTP %d %v", code, body)
	}
	if sc := body["scanned"].(float64); sc < 1 || sc >= 40 || body["new"] != sc {
		t.Fatalf("scanned %v new %v: want some but not all of 40", body["scanned"], body["new"])
	}
}

// Tries are run a few at a time; one more is refused with a clear answer.
func TestWatchListTryItRefusedWhileOthersRun(t *testing.T) {
	e := listsEnv(t)
	s := e.signIn(t, "an1")
	for range cap(e.srv.trySlots) {
		e.srv.trySlots <- struct{}{}
	}
	code, body := s.PostJSON(t, "/api/watchlists/try", map[string]any{"list": map[string]any{"id": "ume", "query": "drill"}}, true)
	if code != http.StatusTooManyRequests || body["error"] == nil {
		t.Fatalf("try while busy: HTTP %d %v", code, body)
	}
	for range cap(e.srv.trySlots) {
		<-e.srv.trySlots
	}
	if code, body = s.PostJSON(t, "/api/watchlists/try", map[string]any{"list": map[string]any{"id": "ume", "query": "drill"}}, true); code != 200 {
		t.Fatalf("try once free: HTTP %d %v", code, body)
	}
}
