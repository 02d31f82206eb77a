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
	start := c.now()
	change := func(fp, state string) {
		t.Helper()
		if err := s.RecordAlertChanges(ctx, []AlertChange{{Fingerprint: fp, Operation: "op", State: state,
			Alert: map[string]string{"fingerprint": fp, "state": state}, Event: map[string]string{"event": state}}}); err != nil {
			t.Fatal(err)
		}
	}
	change("old", "resolved")
	change("open", "firing")
	for i := range 5 {
		if _, _, err := s.RecordItem(ctx, item(string(rune('a'+i)), "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}}); err != nil {
			t.Fatal(err)
		}
		c.add(7 * time.Minute)
	}
	change("recent", "resolved")
	change("acked", "acknowledged")

	rows, err := s.AlertsToRestore(ctx, start.Add(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	var fps []string
	for _, r := range rows {
		var a struct{ Fingerprint string }
		if err := json.Unmarshal(r, &a); err != nil {
			t.Fatal(err)
		}
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
