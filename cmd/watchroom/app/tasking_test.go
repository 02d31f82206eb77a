package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch/tasking"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const taskingConfigText = `
server:
  data_dir: %q
tasking:
  teams: [CID, Response]
  service_levels:
    - urgency: immediate
      triage: 30m
      complete: 12h
`

func overdueAlerts(a *App) []alerts.Alert {
	var out []alerts.Alert
	for _, al := range a.alerts.Open() {
		if al.RuleID == overdueRule.ID {
			out = append(out, al)
		}
	}
	return out
}

// A request not triaged within its service level raises an alert through
// the alert engine; the alert holds across a restart and resolves once the
// request is triaged.
func TestOverdueRequestAlerts(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	text := fmt.Sprintf(taskingConfigText, tempDataDir(t))
	a, _, stop := newTestApp(t, text, clock, nil)
	ctx := context.Background()
	if len(a.tasking.Teams) != 2 || a.tasking.Level("realtime", tasking.UrgencyImmediate).Triage != 30*time.Minute {
		t.Fatalf("tasking config %+v", a.tasking)
	}
	r, err := a.store.SaveRequestForm(ctx, tasking.Request{RequesterID: 9, Requester: "pc9", Type: "realtime", Team: "CID",
		Urgency: tasking.UrgencyImmediate, Contact: "pc9", Asked: "Live support tonight", Why: "Disorder expected", NeededBy: clock.Now()}, true, "")
	if err != nil {
		t.Fatal(err)
	}
	clock.Add(29 * time.Minute)
	a.feedOverdue(ctx)
	if n := len(overdueAlerts(a)); n != 0 {
		t.Fatalf("%d overdue alerts before the level passed", n)
	}
	clock.Add(2 * time.Minute)
	a.feedOverdue(ctx)
	open := overdueAlerts(a)
	if len(open) != 1 || open[0].State != alerts.StateFiring || open[0].Labels["request"] != r.Ref() {
		t.Fatalf("overdue alerts %+v", open)
	}
	// a restart keeps it open, the same alert: the set is fed before the first tick
	started := open[0].Started
	stop()
	clock.Add(time.Minute)
	b, _, _ := newTestApp(t, text, clock, nil)
	if err := b.alerts.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if open := overdueAlerts(b); len(open) != 1 || open[0].State != alerts.StateFiring || !open[0].Started.Equal(started) {
		t.Fatalf("after a restart %+v", open)
	}
	if _, err := b.store.DecideRequest(ctx, r.ID, tasking.Decision{Action: tasking.ActAccept, By: "sgt", Priority: "P1", Assignee: "ana", Due: clock.Now().Add(6 * time.Hour)}, nil); err != nil {
		t.Fatal(err)
	}
	b.feedOverdue(ctx)
	if open := overdueAlerts(b); len(open) != 0 {
		t.Fatalf("still open after triage: %+v", open)
	}
}
