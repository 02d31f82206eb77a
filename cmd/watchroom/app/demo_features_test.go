package app

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The demo shows every feature at work: lists of each severity, alert
// rules that fire (severity, count, a source failing), a failing source,
// operations with places and hits on the map, a team with its briefing
// and a viewer in that team.
func TestDemoShowsEveryFeature(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	a := startDemo(t, clock)
	ctx := context.Background()
	a.startAlerts()

	sev := map[string]bool{}
	for _, l := range a.cfg.WatchLists {
		sev[l.Severity] = true
	}
	if !sev["critical"] || !sev["high"] || !sev["routine"] {
		t.Errorf("demo lists' severities %v, want one of each", sev)
	}
	for _, op := range a.cfg.Operations {
		if op.Place == "" || !op.HasPoint || op.RadiusM == 0 || op.Team != DemoTeam {
			t.Errorf("operation %s has no place on the map or no team: %+v", op.ID, op)
		}
	}

	for i := 0; i < 12; i++ {
		if err := a.pollNow(ctx, "demo-feed"); err != nil {
			t.Fatal(err)
		}
		clock.Add(5 * time.Second)
	}
	if err := a.pollNow(ctx, "demo-broken"); err == nil {
		t.Error("the broken source answered")
	}
	if err := a.pollNow(ctx, "demo-events"); err != nil {
		t.Fatal(err)
	}
	if h, err := a.store.SourceHealth(ctx, "demo-broken"); err != nil || h.State != "failing" {
		t.Errorf("broken source health %+v, %v; want failing", h, err)
	}

	// the rules fire
	var ticked time.Time
	want := []string{"critical-hits", "high-hits", "common-busy", "source-down"}
	var firing []string
	waitForDemo(t, "the demo's rules to fire", func() bool {
		// windows and for-durations are the tick's; hits are seen as they come
		if time.Since(ticked) > 200*time.Millisecond {
			ticked = time.Now()
			if err := a.alerts.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
		open, err := a.store.OpenAlerts(ctx, watch.BoardAll)
		if err != nil {
			t.Fatal(err)
		}
		firing = firing[:0]
		for _, al := range open {
			if al.State == alerts.StateFiring && !slices.Contains(firing, al.RuleID) {
				firing = append(firing, al.RuleID)
			}
		}
		for _, w := range want {
			if !slices.Contains(firing, w) {
				return false
			}
		}
		return true
	}, func() { t.Fatalf("firing rules %v, want %v", firing, want) })

	// the team's briefing, which its viewer sees
	a.briefings.Scheduled(ctx)
	bs, err := a.store.Briefings(ctx, "summer-rave")
	if err != nil || len(bs) == 0 {
		t.Fatalf("no briefing for the demo operation: %v", err)
	}
	viewer, err := a.store.UserByName(ctx, "demo-viewer")
	if err != nil || viewer.Team != DemoTeam {
		t.Fatalf("demo viewer %+v, %v; want in %q", viewer, err, DemoTeam)
	}

	// the map has both operations and the listings' hits with a place
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	addUser(t, a, "tester", watch.RoleAnalyst)
	w := signInHTTP(t, srv.URL, "tester")
	code, body := w.Get(t, "/api/boards/all/map")
	var m struct {
		Operations []struct{ ID string }    `json:"operations"`
		Hits       []struct{ Place string } `json:"hits"`
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil || code != 200 {
		t.Fatalf("map: HTTP %d, %v", code, err)
	}
	if len(m.Operations) != 2 || len(m.Hits) != 2 {
		t.Fatalf("map shows %d operations and %d hits, want 2 and 2: %s", len(m.Operations), len(m.Hits), body)
	}
}

// waitForDemo polls cond until it holds, for a bounded number of rounds
// of the alert service's queue, then calls fail.
func waitForDemo(t *testing.T, what string, cond func() bool, fail func()) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Logf("timed out waiting for %s", what)
			fail()
			return
		}
		runtime.Gosched() // the alert service works in its own goroutine
	}
}
