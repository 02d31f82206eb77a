package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const silencesConfig = `silences:
  - id: quiet-build
    matchers: {rule: ume-hit, operation: op1}
    start: 2026-11-20T13:00:00Z
    end: 2026-11-20T15:00:00Z
    reason: stage build
    author: Insp. Example
`

func silenceStates(a *App) map[string]alerts.SilenceState {
	out := map[string]alerts.SilenceState{}
	for _, v := range a.alerts.Silences() {
		out[v.ID] = v.State
	}
	return out
}

// Silences from the config and the console: their state comes from the
// clock; officers add one and expire one early (audited, refused to
// viewers, checked); a silenced alert is marked so; everything survives a
// restart.
func TestSilencesInConfigAndConsole(t *testing.T) {
	feed := newFeedServer(t)
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url) + silencesConfig
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, stop := newTestApp(t, text, clock, nil)
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "viewer1", watch.RoleViewer)
	ctx := context.Background()
	if st := silenceStates(a)["quiet-build"]; st != alerts.SilencePending {
		t.Fatalf("config silence at 12:00: %s", st)
	}
	clock.Add(time.Hour)
	if st := silenceStates(a)["quiet-build"]; st != alerts.SilenceActive {
		t.Fatalf("config silence at 13:00: %s", st)
	}

	viewer := signInHTTP(t, base, "viewer1")
	if code, _ := viewer.PostForm(t, "/silences", url.Values{"rule": {"ume-hit"}, "for": {"1h"}, "reason": {"x"}}); code != http.StatusForbidden {
		t.Fatalf("viewer adds a silence: HTTP %d", code)
	}
	pc := signInHTTP(t, base, "pc1")
	_, page := pc.Get(t, "/silences?rule=ume-hit&operation=op1")
	mustContain(t, "silences page", page, `id="silence-quiet-build"`, `value="ume-hit"`, `<option value="op1" selected>`)
	for _, bad := range []url.Values{
		{"for": {"1h"}, "reason": {"everything"}},                  // no matcher
		{"rule": {"ume-hit"}, "for": {"1h"}},                       // no reason
		{"rule": {"ume-hit"}, "for": {"forever"}, "reason": {"x"}}, // bad duration
		{"rule": {"ume-hit"}, "for": {"1h"}, "reason": {"x"}, "start": {"tomorrow"}},
	} {
		if code, _ := pc.PostForm(t, "/silences", bad); code != http.StatusBadRequest {
			t.Errorf("%v: HTTP %d", bad, code)
		}
	}
	if code, _ := pc.PostForm(t, "/silences", url.Values{"rule": {"ume-hit"}, "for": {"2h"}, "reason": {"promoter's own posts"}}); code != http.StatusSeeOther {
		t.Fatalf("add: HTTP %d", code)
	}
	var webID string
	for id, st := range silenceStates(a) {
		if strings.HasPrefix(id, "web-") && st == alerts.SilenceActive {
			webID = id
		}
	}
	if webID == "" {
		t.Fatalf("no active console silence: %v", silenceStates(a))
	}

	// a hit on a silenced rule: the alert fires, marked silenced
	feed.add(feedItem{GUID: "g1", Title: "Rave tonight", Link: "https://example.org/1"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "the alert", 10*time.Second, func() bool { return len(a.alerts.Open()) == 1 })
	if al := a.alerts.Open()[0]; al.State != alerts.StateFiring || !al.Silenced {
		t.Fatalf("alert %+v", al)
	}

	// both expired early, by hand
	for _, id := range []string{webID, "quiet-build"} {
		if code, _ := pc.PostForm(t, "/silences/"+id+"/expire", url.Values{}); code != http.StatusSeeOther {
			t.Fatalf("expire %s: HTTP %d", id, code)
		}
	}
	if code, _ := pc.PostForm(t, "/silences/"+webID+"/expire", url.Values{}); code != http.StatusNotFound {
		t.Fatalf("expired twice: HTTP %d", code)
	}
	states := silenceStates(a)
	if states[webID] != alerts.SilenceExpired || states["quiet-build"] != alerts.SilenceExpired {
		t.Fatalf("after expiry %v", states)
	}
	if err := a.alerts.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if al := a.alerts.Open()[0]; al.Silenced {
		t.Fatal("the alert is still silenced")
	}
	log, _ := a.store.AuditLog(ctx, 20)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Actor+" "+e.Action+" "+e.Target)
	}
	mustContain(t, "audit", strings.Join(actions, "|"), "pc1 silence_add silence:"+webID, "pc1 silence_expire silence:"+webID,
		"pc1 silence_expire silence:quiet-build")

	// after a restart: the console's silence is kept, and the config
	// silence stays expired early although the file says 15:00
	stop()
	b, _, _ := newTestApp(t, text, clock, nil)
	states = silenceStates(b)
	if states[webID] != alerts.SilenceExpired || states["quiet-build"] != alerts.SilenceExpired || len(states) != 2 {
		t.Fatalf("after restart %v", states)
	}
	for _, v := range b.alerts.Silences() {
		if v.ID == webID && (v.Reason != "promoter's own posts" || v.Author != "pc1" || v.Matchers["rule"] != "ume-hit") {
			t.Fatalf("kept silence %+v", v)
		}
	}
}

// A silence whose end would fall past the year 9999 (which times cannot
// be written as) is refused as the others are, with what was typed kept.
func TestSilenceEndingPastYear9999Refused(t *testing.T) {
	feed := newFeedServer(t)
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url)
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, text, clock, nil)
	addUser(t, a, "pc1", watch.RoleOfficer)
	pc := signInHTTP(t, base, "pc1")
	code, page := pc.PostForm(t, "/silences", url.Values{"rule": {"ume-hit"}, "for": {"2h"}, "reason": {"far off"}, "start": {"9999-12-31T23:30"}})
	if code != http.StatusBadRequest {
		t.Fatalf("add: HTTP %d", code)
	}
	mustContain(t, "refusal", page, `id="problem"`, `value="9999-12-31T23:30"`)
	if n := len(a.alerts.Silences()); n != 0 {
		t.Fatalf("%d silences", n)
	}
}
