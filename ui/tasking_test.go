package ui

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

func newTaskingEnv(t *testing.T) *testEnv {
	t.Helper()
	cfg := tasking.Config{}.WithDefaults()
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e := newEnvWith(t, func(o *Options) { o.Tasking = &cfg; o.Now = func() time.Time { return now } })
	for name, role := range map[string]watch.Role{"req1": watch.RoleRequester, "req2": watch.RoleRequester, "sgt": watch.RoleSupervisor, "ana": watch.RoleAnalyst, "pc": watch.RoleOfficer} {
		e.addUser(t, name, role)
	}
	return e
}

func (s *session) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	form.Set("_csrf", s.CSRF)
	r, err := s.Client.PostForm(s.Base+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b), r.Header.Get("Location")
}

func goodForm() url.Values {
	return url.Values{"type": {"pre_event"}, "team": {"CID"}, "contact": {"PC 99 Khan, 0101 555"}, "urgency": {"priority"},
		"needed_by": {"2026-11-20"}, "asked": {"A picture of what is planned online for the derby"}, "why": {"Public order planning"},
		"event_name": {"Derby"}, "event_date": {"2026-11-21"}, "event_place": {"The stadium"}}
}

func TestRequesterSeesOnlyTheirOwn(t *testing.T) {
	e := newTaskingEnv(t)
	r1 := e.signIn(t, "req1")
	// a requester sees no board, operation, hit, queue or demand
	for _, p := range []string{"/board/all", "/operations", "/api/boards/all/snapshot", "/api/sources", "/tasking", "/demand", "/briefings", "/watchlists"} {
		if code, _ := r1.Get(t, p); code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("requester GET %s: HTTP %d", p, code)
		}
	}
	r, err := r1.Client.Get(e.ts.URL + "/")
	if err != nil || r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/requests" {
		t.Fatalf("home for a requester: %v %v", r.StatusCode, err)
	}
	r.Body.Close()
	// the navigation offers a requester their requests only
	_, navPage := r1.Get(t, "/requests/new")
	nav := navPage[strings.Index(navPage, `<nav class="pages"`):]
	nav = nav[:strings.Index(nav, "</nav>")]
	if !strings.Contains(nav, `href="/requests"`) || strings.Contains(nav, "/board/") || strings.Contains(nav, "/operations") || strings.Contains(nav, "/demand") {
		t.Fatalf("a requester's navigation: %s", nav)
	}

	// sending an empty form shows every problem at once and keeps what was typed
	code, body, _ := r1.post(t, "/requests", url.Values{"do": {"send"}, "contact": {"typed before"}, "names_people": {"yes"}, "type": {"investigation"}})
	if code != http.StatusBadRequest {
		t.Fatalf("empty send: HTTP %d", code)
	}
	for _, want := range []string{"choose your commissioning team", "give the date you need it by", "say what you are asking for", "lawful basis", "authority", `value="typed before"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form does not show %q", want)
		}
	}
	// a draft is kept as it is
	code, _, loc := r1.post(t, "/requests", url.Values{"do": {"save"}, "asked": {"half a thought"}})
	if code != http.StatusSeeOther {
		t.Fatalf("save draft: HTTP %d", code)
	}
	draftPath := loc
	// the whole form sends
	code, _, loc = r1.post(t, "/requests", withDo(goodForm(), "send"))
	if code != http.StatusSeeOther {
		t.Fatalf("send: HTTP %d", code)
	}
	mine := loc
	if code, body := r1.Get(t, mine); code != 200 || !strings.Contains(body, "Waiting for triage") {
		t.Fatalf("own request: %d", code)
	}
	if _, body := r1.Get(t, "/requests"); !strings.Contains(body, "half a thought") || !strings.Contains(body, "Draft") {
		t.Fatal("the draft is not listed")
	}

	// another requester cannot see, edit or follow it
	r2 := e.signIn(t, "req2")
	r2.Get(t, "/requests")
	for _, p := range []string{mine, "/api" + mine, mine + "/edit", draftPath} {
		if code, body := r2.Get(t, p); code != http.StatusNotFound || strings.Contains(body, "derby") {
			t.Errorf("another requester GET %s: HTTP %d", p, code)
		}
	}
	if code, _, _ := r2.post(t, draftPath, withDo(goodForm(), "send")); code != http.StatusNotFound {
		t.Errorf("another requester's save: HTTP %d", code)
	}
	// nor an officer who is not the hub
	pc := e.signIn(t, "pc")
	if code, _ := pc.Get(t, mine); code != http.StatusNotFound {
		t.Errorf("officer sees a request: %d", code)
	}
	u1, _ := e.store.UserByName(context.Background(), "req1")
	epoch := e.store.Epoch()
	for _, c := range []struct {
		s     *session
		board string
		ok    bool
	}{
		{r1, watch.RequesterBoard(u1.ID), true},
		{r2, watch.RequesterBoard(u1.ID), false},
		{r2, watch.BoardTasking, false},
		{r2, watch.BoardAll, false},
		{pc, watch.RequesterBoard(u1.ID), false},
		{pc, watch.BoardTasking, false},
	} {
		conn, resp, err := e.dial(t, c.s, fmt.Sprintf("board=%s&after=0&epoch=%s", url.QueryEscape(c.board), epoch), e.ts.URL)
		if c.ok {
			if err != nil {
				t.Fatalf("own board: %v", err)
			}
			// the submission is replayed on the requester's board
			if m := read(t, conn); m.Type != watch.EventRequest {
				t.Fatalf("own board replay: %+v", m)
			}
			conn.Close()
			continue
		}
		if err == nil {
			conn.Close()
			t.Errorf("%s followed %s", c.s.CSRF[:0]+c.board, c.board)
		} else if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("follow %s: %v", c.board, err)
		}
	}
}

func withDo(v url.Values, do string) url.Values {
	v.Set("do", do)
	return v
}

func TestTriageWorkAndDemand(t *testing.T) {
	e := newTaskingEnv(t)
	r1 := e.signIn(t, "req1")
	r1.Get(t, "/requests/new")
	_, _, loc := r1.post(t, "/requests", withDo(goodForm(), "send"))
	sgt, ana := e.signIn(t, "sgt"), e.signIn(t, "ana")
	sgt.Get(t, "/tasking")
	ana.Get(t, "/tasking")
	if _, body := sgt.Get(t, "/tasking"); !strings.Contains(body, "A picture of what is planned online") {
		t.Fatal("the queue does not show the request")
	}
	// an analyst may not triage
	if code, _, _ := ana.post(t, loc+"/triage", url.Values{"action": {"accept"}, "priority": {"P2"}, "assignee": {"ana"}, "due": {"2026-11-10"}}); code != http.StatusForbidden {
		t.Fatalf("analyst triage: HTTP %d", code)
	}
	// a decision with problems comes back with them
	_, _, back := sgt.post(t, loc+"/triage", url.Values{"action": {"accept"}, "priority": {"P9"}})
	if !strings.Contains(back, "problem=") {
		t.Fatalf("bad accept went to %s", back)
	}
	if code, _, back := sgt.post(t, loc+"/triage", url.Values{"action": {"accept"}, "priority": {"P2"}, "assignee": {"ana"}, "due": {"2026-11-10"}}); code != http.StatusSeeOther || strings.Contains(back, "problem") {
		t.Fatalf("accept: HTTP %d %s", code, back)
	}
	for _, f := range []url.Values{
		{"action": {"link"}, "kind": {"operation"}, "ref": {"op1"}},
		{"action": {"link"}, "kind": {"briefing"}, "ref": {"12"}},
		{"action": {"close"}, "intelligence": {"2"}, "source_grade": {"1"}, "intel_grade": {"B"}, "handling": {"P"}, "delivered": {"1"}, "note": {"The plan changed because of it."}},
	} {
		if code, _, back := ana.post(t, loc+"/work", f); code != http.StatusSeeOther || strings.Contains(back, "problem") {
			t.Fatalf("work %v: HTTP %d %s", f, code, back)
		}
	}
	_, body := r1.Get(t, loc)
	if !strings.Contains(body, "Completed") || strings.Contains(body, "Work linked") {
		t.Fatal("the requester should see the close but not the hub's own working")
	}
	if _, body := ana.Get(t, loc); !strings.Contains(body, "Work linked") || !strings.Contains(body, "1/B/P") {
		t.Fatal("the hub's view lacks the links or the grading")
	}

	// the figures
	code, body := ana.Get(t, "/demand?from=2026-10-01&to=2026-12-31")
	if code != 200 || !strings.Contains(body, `id="received">1<`) || !strings.Contains(body, `id="intelligence">2<`) {
		t.Fatalf("demand page: %d", code)
	}
	r, err := ana.Client.Get(e.ts.URL + "/api/demand?from=2026-10-01&to=2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	var charts map[string]json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&charts)
	r.Body.Close()
	for _, k := range []string{"chart-type", "chart-team", "chart-product", "chart-throughput", "chart-backlog", "chart-declined", "chart-grading"} {
		if len(charts[k]) == 0 {
			t.Errorf("no %s", k)
		}
	}
	r, err = ana.Client.Get(e.ts.URL + "/demand.csv?from=2026-10-01&to=2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(r.Body).ReadAll()
	r.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, rec := range recs {
		found[rec[0]+"/"+rec[1]] = rec[2]
	}
	if found["summary/received"] != "1" || found["by product/operation"] != "1" || found["by product/briefing"] != "1" || found["intelligence by grading/1/B/P"] != "2" {
		t.Fatalf("csv %v", found)
	}
	if _, body := ana.Get(t, "/demand/report?q=2026-Q4"); !strings.Contains(body, "The plan changed because of it.") {
		t.Fatal("the quarterly report lacks the note")
	}
	_, body = ana.Get(t, "/demand/transparency?q=2026-Q4")
	for _, personal := range []string{"req1", "Khan", "The plan changed", "CID", "ana"} {
		if strings.Contains(body, personal) {
			t.Errorf("the transparency summary shows %q", personal)
		}
	}
	if code, _ := r1.Get(t, "/demand/transparency"); code != http.StatusForbidden {
		t.Errorf("requester reads the transparency page: %d", code)
	}
}
