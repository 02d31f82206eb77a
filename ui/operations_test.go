package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func TestOperationsPageListsAndCalendar(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC) // a Wednesday
	e := newEnvWith(t, func(o *Options) {
		o.Now = func() time.Time { return now }
		o.Operations = []watch.Operation{
			{ID: "gig", WatchLists: []string{"ume"}, Name: "Warehouse gig", Start: now.Add(3 * time.Hour), End: now.Add(8 * time.Hour), Kind: "ume", Risk: "high", Place: "Canal Street"},
			{ID: "carnival", Name: "Carnival", Start: now.Add(9 * 24 * time.Hour), End: now.Add(10 * 24 * time.Hour), Kind: "planned"},
			{ID: "old", Name: "Last month", Start: now.Add(-30 * 24 * time.Hour), End: now.Add(-29 * 24 * time.Hour)},
		}
	})
	e.addUser(t, "v1", watch.RoleViewer)
	s := e.signIn(t, "v1")
	code, html := s.Get(t, "/operations")
	if code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	for _, want := range []string{
		`<tr class="phase-imminent" id="op-gig">`, "Canal Street", "<td>ume</td>", "<td>high</td>",
		`<tr class="phase-upcoming" id="op-carnival">`,
		"Week of 23 Nov", `class="today" aria-current="date"><div class="small">Wed 25</div><a class="calop phase-imminent" href="/board/gig">Warehouse gig</a>`,
		`<div class="small">Fri 4</div><a class="calop phase-upcoming" href="/board/carnival">Carnival</a>`,
		"<h2>Closed</h2>", `<td class="lists">ume</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// a list made in the web and linked to the operation shows at once;
	// analysts get links to the editor
	e.addUser(t, "an1", watch.RoleAnalyst)
	an := e.signIn(t, "an1")
	if code, body := an.PostJSON(t, "/api/watchlists", map[string]any{"id": "drill", "query": "drill*", "operations": []string{"gig"}}, true); code != 200 {
		t.Fatalf("save: HTTP %d %v", code, body)
	}
	if _, html := an.Get(t, "/operations"); !strings.Contains(html, `<td class="lists"><a href="/watchlists#list-ume">ume</a>, <a href="/watchlists#list-drill">drill</a></td>`) {
		t.Error("the operation does not show the list linked in the web")
	}
	if strings.Contains(html, `id="op-old"`) {
		t.Error("a closed operation is listed as upcoming")
	}
}
