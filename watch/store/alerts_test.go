package store

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// What a restart gives back to the alert engine: the open alerts, those
// resolved since a time, and the hits found since a time, oldest first.
func TestAlertsAndHitsToRestore(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	start := c.Now()
	change := func(fp, state string) {
		t.Helper()
		if err := s.RecordAlertChanges(ctx, []watch.AlertChange{{Alert: watch.Alert{Fingerprint: fp, Operation: "op",
			State: watch.AlertState(state)}, Event: state}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	change("old", "resolved")
	change("open", "firing")
	for i := range 5 {
		if _, _, err := s.RecordItem(ctx, item(string(rune('a'+i)), "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}}); err != nil {
			t.Fatal(err)
		}
		c.Add(7 * time.Minute)
	}
	change("recent", "resolved")
	change("acked", "acknowledged")

	rows, err := s.AlertsToRestore(ctx, start.Add(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var fps []string
	for _, a := range rows {
		fps = append(fps, a.Fingerprint)
	}
	if len(fps) != 3 || fps[0] != "acked" || fps[1] != "open" || fps[2] != "recent" {
		t.Fatalf("alerts to restore %v", fps)
	}

	// hits found at 0, 7, 14, 21 and 28 minutes
	hits, err := s.HitsSince(ctx, start.Add(10*time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].ID >= hits[1].ID || hits[1].ID >= hits[2].ID || hits[0].Item.Title != "t" || hits[0].Operations[0] != "op" {
		t.Fatalf("hits since %+v", hits)
	}
	capped, err := s.HitsSince(ctx, start.Add(10*time.Minute), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(capped) != 2 || capped[0].ID != hits[1].ID || capped[1].ID != hits[2].ID {
		t.Fatalf("capped hits keep the newest, oldest first: %+v", capped)
	}
}

// An alert comes back as it was recorded; each change is an "alert" event
// on its operation's board, and the audit entry goes with the first.
func TestRecordAlertChangesRoundTrip(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	a := watch.Alert{Fingerprint: "fp", RuleID: "busy", Kind: "count", Operation: "op", Labels: map[string]string{"rule": "busy"},
		State: "firing", Evidence: []int64{3, 4}, Started: c.Now().Add(-time.Minute), FiredAt: c.Now()}
	acked := a.Clone()
	acked.State, acked.AckedBy, acked.AckedAt = "acknowledged", "pc1", c.Now()
	audit := &watch.AuditEntry{Actor: "pc1", Action: "alert_ack", Target: "alert:fp"}
	if err := s.RecordAlertChanges(ctx, []watch.AlertChange{{Alert: a, Event: "firing", Notify: true}, {Alert: acked, Event: "acknowledged"}}, audit); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenAlerts(ctx, "op")
	if err != nil || len(open) != 1 {
		t.Fatalf("open alerts %+v %v", open, err)
	}
	if got := open[0]; got.State != "acknowledged" || got.AckedBy != "pc1" || !got.AckedAt.Equal(c.Now()) || got.Labels["rule"] != "busy" ||
		len(got.Evidence) != 2 || got.Evidence[1] != 4 || !got.Started.Equal(a.Started) {
		t.Fatalf("stored alert %+v", got)
	}
	if other, _ := s.OpenAlerts(ctx, "other"); len(other) != 0 {
		t.Fatalf("alert on another board: %+v", other)
	}
	evs, err := s.EventsAfter(ctx, "op", 0, 10)
	if err != nil || len(evs) != 2 || evs[0].Type != watch.EventAlert {
		t.Fatalf("events %+v %v", evs, err)
	}
	var ch watch.AlertChange
	if err := json.Unmarshal(evs[0].Data, &ch); err != nil || ch.Event != "firing" || !ch.Notify || ch.Alert.Fingerprint != "fp" {
		t.Fatalf("event %s: %v", evs[0].Data, err)
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 1 || log[0].Action != "alert_ack" {
		t.Fatalf("audit %+v %v", log, err)
	}
}
