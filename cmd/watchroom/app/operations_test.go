package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts/briefing"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const opsTestTeams = `teams:
  - name: North SNT
`

func opForm(id, name string, start, end time.Time, loc *time.Location, extra url.Values) url.Values {
	f := url.Values{"id": {id}, "name": {name}, "kind": {"ume"}, "risk": {"high"},
		"start": {start.In(loc).Format("2006-01-02T15:04")}, "end": {end.In(loc).Format("2006-01-02T15:04")},
		"place": {"Old warehouse, Hackney Wick"}, "lat": {"51.5432"}, "lon": {"-0.0235"}, "radius": {"500"},
		"team": {"North SNT"}, "watchlists": {"ume"}, "sources": {"local"}, "terms": {"Hackney Wick, Saturday"},
		"context": {"Promoter <b>known</b> to us"}, "briefing_lead": {"36h"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// An operation created in the web is in force at once: it has a board, its
// hits are shown there, its sources surge at its phases, its rules alert,
// its briefing is made at its own lead time; it is audited with the old
// and new values and survives a restart. Roles, CSRF and validation are
// enforced by the server.
func TestOperationCreatedInTheWeb(t *testing.T) {
	feed := newFeedServer(t)
	dataDir := tempDataDir(t)
	text := fmt.Sprintf(e2eConfig, dataDir, feed.url) + opsTestTeams
	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	clock := watchtest.NewClock(t0)
	a, base, stop := newTestApp(t, text, clock, nil)
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	addUser(t, a, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	loc := a.cfg.Server.Location
	start, end := t0.Add(40*time.Hour), t0.Add(44*time.Hour)

	// an officer may not create one, whatever the page shows
	officer := signInHTTP(t, base, "pc1")
	if code, _ := officer.PostForm(t, "/operations/new", opForm("gig", "Warehouse gig", start, end, loc, nil)); code != http.StatusForbidden {
		t.Fatalf("officer: HTTP %d", code)
	}
	analyst := signInHTTP(t, base, "analyst1")
	// without the CSRF token: refused
	if code, _ := analyst.PostForm(t, "/operations/new", opForm("gig", "Warehouse gig", start, end, loc, url.Values{"_csrf": {"forged"}})); code < 400 {
		t.Fatalf("forged CSRF token: HTTP %d", code)
	}
	// every problem is reported, and what was typed is kept
	code, page := analyst.PostForm(t, "/operations/new", opForm("Gig!", "Warehouse gig", end, start, loc,
		url.Values{"team": {"Nowhere SNT"}, "watchlists": {"ume", "nolist"}, "briefing_lead": {"soon"}}))
	if code != http.StatusBadRequest {
		t.Fatalf("bad form: HTTP %d", code)
	}
	mustContain(t, "refused form", page, "briefing_lead: want a duration", `value="Warehouse gig"`, "Promoter &lt;b&gt;known&lt;/b&gt; to us",
		"id: want 1 to 64", "end: the end must be after the start", "team: there is no team")
	// a field that cannot be read hides no other problem
	code, page = analyst.PostForm(t, "/operations/new", opForm("Gig!", "Warehouse gig", end, start, loc,
		url.Values{"lat": {"51.5"}, "lon": {""}, "radius": {"300"}}))
	mustContain(t, "latitude without longitude", page, "lat: give both latitude and longitude", "id: want 1 to 64",
		"end: the end must be after the start")
	if code != http.StatusBadRequest || strings.Contains(page, "a radius needs coordinates") {
		t.Fatalf("latitude without longitude: HTTP %d", code)
	}
	code, page = analyst.PostForm(t, "/operations/new", opForm("Gig!", "Warehouse gig", end, start, loc,
		url.Values{"team": {"Nowhere SNT"}, "watchlists": {"ume", "nolist"}}))
	mustContain(t, "refused form", page, "id: want 1 to 64", "end: the end must be after the start",
		"team: there is no team &#34;Nowhere SNT&#34;", "watchlists: there is no watch list &#34;nolist&#34;")
	if _, ok := a.reg.Get("gig"); ok || code != http.StatusBadRequest {
		t.Fatal("an invalid operation was saved")
	}

	code, _ = analyst.PostForm(t, "/operations/new", opForm("gig", "Warehouse gig", start, end, loc, nil))
	if code != http.StatusSeeOther {
		t.Fatalf("create: HTTP %d", code)
	}
	op, ok := a.reg.Get("gig")
	if !ok || op.Origin != watch.OriginWeb || !op.Start.Equal(start) || op.BriefingLead != 36*time.Hour ||
		op.Point == nil || op.Point.Lat != 51.5432 || op.RadiusM != 500 || op.Team != "North SNT" || op.Context != "Promoter <b>known</b> to us" {
		t.Fatalf("operation in force: %+v", op)
	}
	// the same id again is refused
	if code, page := analyst.PostForm(t, "/operations/new", opForm("gig", "Other", start, end, loc, nil)); code != http.StatusBadRequest ||
		!strings.Contains(page, "exists already") {
		t.Fatalf("duplicate id: HTTP %d", code)
	}

	// its board and its row on the operations page
	if code, page := analyst.Get(t, "/board/gig"); code != http.StatusOK || !strings.Contains(page, "Warehouse gig") {
		t.Fatalf("board: HTTP %d", code)
	}
	_, page = analyst.Get(t, "/operations")
	mustContain(t, "operations page", page, `id="op-gig"`, `href="/operations/gig/edit"`)

	// its sources surge at its phases
	for _, c := range []struct {
		at         time.Duration
		every, why string
	}{
		{-49 * time.Hour, "polled every 1h", "its own schedule"},
		{-47 * time.Hour, "polled every 15m", "operation gig is before"},
		{-5 * time.Hour, "polled every 2m", "operation gig is imminent"},
		{time.Hour, "polled every 1m", "operation gig is live"},
		{5 * time.Hour, "polled every 5m", "operation gig is after"},
		{11 * time.Hour, "polled every 1h", "its own schedule"},
	} {
		every, why, _ := a.cadence("local", start.Add(c.at))
		if every != c.every || why != c.why {
			t.Errorf("cadence at %s: %q %q, want %q %q", c.at, every, why, c.every, c.why)
		}
	}

	// a hit on its list is shown on its board, and the rule for every
	// operation alerts on it
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	snap, err := a.store.BoardSnapshot(ctx, "gig", 10)
	if err != nil || len(snap.Hits) != 1 {
		t.Fatalf("board gig: %+v %v", snap.Hits, err)
	}
	watchtest.WaitFor(t, "the alert on gig", 10*time.Second, func() bool {
		for _, al := range a.alerts.Open() {
			if al.Operation == "gig" {
				return true
			}
		}
		return false
	})

	// its briefing is made at its own lead time (36h), not the default
	clock.Add(4*time.Hour - time.Minute)
	a.briefings.Scheduled(ctx)
	if vs, _ := a.store.Briefings(ctx, "gig"); len(vs) != 0 {
		t.Fatalf("briefing before T−36h: %+v", vs)
	}
	clock.Add(2 * time.Minute)
	a.briefings.Scheduled(ctx)
	vs, _ := a.store.Briefings(ctx, "gig")
	if len(vs) != 1 || vs[0].Generator != briefing.ScheduledBy {
		t.Fatalf("briefing at T−36h: %+v", vs)
	}
	doc, err := os.ReadFile(filepath.Join(a.blobDir, vs[0].SHA256+".html"))
	if err != nil {
		t.Fatal(err)
	}
	// the context typed in the form is in the briefing, as text
	mustContain(t, "briefing document", string(doc), "Promoter &lt;b&gt;known&lt;/b&gt; to us", "51.5432, -0.0235", "within 500 m")

	// an edit is audited with the old and the new values (the analyst,
	// back after four hours, signs in again: the session ended when idle)
	analyst = signInHTTP(t, base, "analyst1")
	if code, _ := analyst.PostForm(t, "/operations/gig/edit", opForm("gig", "Warehouse gig (moved)", start, end, loc, nil)); code != http.StatusSeeOther {
		t.Fatalf("edit: HTTP %d", code)
	}
	if op, _ := a.reg.Get("gig"); op.Name != "Warehouse gig (moved)" {
		t.Fatalf("edit not in force: %+v", op)
	}
	log, _ := a.store.AuditLog(ctx, 50)
	var created, updated *watch.AuditEntry
	for i := range log {
		switch log[i].Action {
		case "operation_create":
			created = &log[i]
		case "operation_update":
			updated = &log[i]
		}
	}
	if created == nil || updated == nil || created.Actor != "analyst1" || created.Target != "operation:gig" {
		t.Fatalf("audit %+v", log)
	}
	var detail struct{ Old, New *watch.Operation }
	if err := json.Unmarshal([]byte(updated.Detail), &detail); err != nil || detail.Old == nil || detail.New == nil ||
		detail.Old.Name != "Warehouse gig" || detail.New.Name != "Warehouse gig (moved)" {
		t.Fatalf("update detail %s %v", updated.Detail, err)
	}
	if err := json.Unmarshal([]byte(created.Detail), &detail); err != nil || detail.Old != nil || detail.New.Name != "Warehouse gig" {
		t.Fatalf("create detail %s %v", created.Detail, err)
	}

	// a config operation edited in the web becomes an override
	op1, _ := a.reg.Get("op1")
	if code, _ := analyst.PostForm(t, "/operations/op1/edit", opForm("op1", "Summer rave (edited)", op1.Start, op1.End, loc,
		url.Values{"sources": nil})); code != http.StatusSeeOther {
		t.Fatalf("edit op1: HTTP %d", code)
	}
	if op, _ := a.reg.Get("op1"); op.Origin != watch.OriginOverride || op.Name != "Summer rave (edited)" {
		t.Fatalf("override %+v", op)
	}

	// both survive a restart
	stop()
	b, base2, _ := newTestApp(t, text, clock, nil)
	gig, ok := b.reg.Get("gig")
	if !ok || gig.Origin != watch.OriginWeb || gig.Name != "Warehouse gig (moved)" || !slices.Equal(gig.Sources, []string{"local"}) {
		t.Fatalf("after restart: %+v", gig)
	}
	if op, _ := b.reg.Get("op1"); op.Origin != watch.OriginOverride || op.Name != "Summer rave (edited)" {
		t.Fatalf("override after restart: %+v", op)
	}
	// reverting puts the file's definition back
	analyst2 := signInHTTP(t, base2, "analyst1")
	analyst2.Get(t, "/operations")
	if code, _ := analyst2.PostForm(t, "/operations/op1/revert", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("revert: HTTP %d", code)
	}
	if op, _ := b.reg.Get("op1"); op.Origin != watch.OriginConfig || op.Name != "Summer rave" {
		t.Fatalf("after revert: %+v", op)
	}
	// nothing left to revert: told so, not shown an internal error
	if code, body := analyst2.PostForm(t, "/operations/op1/revert", url.Values{}); code != http.StatusNotFound || !strings.Contains(body, "There is no console edit of this operation.") {
		t.Fatalf("second revert: HTTP %d %s", code, body)
	}
}

// Two analysts edit one operation: the one who saves second is told, with
// what they typed kept, and a second save replaces the other's knowingly.
func TestOperationEditConflict(t *testing.T) {
	feed := newFeedServer(t)
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url) + opsTestTeams
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, text, clock, nil)
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	addUser(t, a, "analyst2", watch.RoleAnalyst)
	op, _ := a.reg.Get("op1")
	loc := a.cfg.Server.Location
	versionRe := regexp.MustCompile(`name="version" value="([0-9a-f]+)"`)
	version := func(page string) string {
		t.Helper()
		m := versionRe.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no version in the form:\n%s", page)
		}
		return m[1]
	}
	one, two := signInHTTP(t, base, "analyst1"), signInHTTP(t, base, "analyst2")
	_, page := one.Get(t, "/operations/op1/edit")
	v1 := version(page)
	_, page = two.Get(t, "/operations/op1/edit")
	if code, body := two.PostForm(t, "/operations/op1/edit", opForm("op1", "Edited by two", op.Start, op.End, loc, url.Values{"version": {version(page)}})); code != http.StatusSeeOther {
		t.Fatalf("first save: HTTP %d\n%s", code, body)
	}
	code, page := one.PostForm(t, "/operations/op1/edit", opForm("op1", "Edited by one", op.Start, op.End, loc, url.Values{"version": {v1}}))
	if code != http.StatusConflict {
		t.Fatalf("stale save: HTTP %d", code)
	}
	mustContain(t, "conflict page", page, "someone else changed this operation", `value="Edited by one"`)
	if got, _ := a.reg.Get("op1"); got.Name != "Edited by two" {
		t.Fatalf("the stale save replaced the other's: %q", got.Name)
	}
	if code, body := one.PostForm(t, "/operations/op1/edit", opForm("op1", "Edited by one", op.Start, op.End, loc, url.Values{"version": {version(page)}})); code != http.StatusSeeOther {
		t.Fatalf("second save: HTTP %d\n%s", code, body)
	}
	if got, _ := a.reg.Get("op1"); got.Name != "Edited by one" {
		t.Fatalf("after the second save: %q", got.Name)
	}
}
