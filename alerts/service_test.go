package alerts

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// Hits recorded through the real store reach the engine through the
// publisher; alert changes come back as timeline events, audited.
func TestServiceRecordsChangesAsTimelineEvents(t *testing.T) {
	c := newClock()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), logger, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := engine(t, c, Rule{ID: "crit", Name: "Critical hit", Kind: KindSeverity, Severity: "critical"})
	var notified []Notice
	svc := NewService(eng, st, logger, ServiceOptions{Severities: map[string]string{"ume": "critical"},
		Notify: func(_ context.Context, n Notice) { notified = append(notified, n) }})
	var events []watch.Event
	st.SetPublisher(func(evs []watch.Event) { events = append(events, evs...); svc.Observe(evs) })
	ctx := context.Background()

	_, views, err := st.RecordItem(ctx, watch.Item{SourceID: "s", Key: "k", Title: "rave", Author: "@x"},
		[]watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: []string{"op"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// the firing, then its group's notification recorded on the alert
	if len(events) != 3 || events[1].Type != watch.EventAlert || !events[1].VisibleOn("op") || events[1].VisibleOn("other") ||
		!strings.Contains(string(events[2].Data), `"event":"notified"`) {
		t.Fatalf("events %+v", events)
	}
	var ch Change
	if err := json.Unmarshal(events[1].Data, &ch); err != nil || ch.Event != "firing" || ch.Alert.Evidence[0] != views[0].ID {
		t.Fatalf("alert event %s: %v", events[1].Data, err)
	}
	if len(notified) != 1 || notified[0].Firing[0].State != StateFiring || notified[0].Severity != "critical" {
		t.Fatalf("notified %+v", notified)
	}
	open, err := st.OpenAlerts(ctx, "op")
	if err != nil || len(open) != 1 {
		t.Fatalf("open alerts %v %v", open, err)
	}
	if other, _ := st.OpenAlerts(ctx, "other"); len(other) != 0 {
		t.Fatalf("alert on another board: %+v", other)
	}

	a, err := svc.Ack(ctx, ch.Alert.Fingerprint, "pc1")
	if err != nil || a.AckedBy != "pc1" {
		t.Fatalf("ack %+v %v", a, err)
	}
	if ev := events[len(events)-1]; ev.Type != watch.EventAlert || !strings.Contains(string(ev.Data), `"acked_by":"pc1"`) {
		t.Fatalf("ack event %s", ev.Data)
	}
	log, _ := st.AuditLog(ctx, 1)
	if log[0].Action != "alert_ack" || log[0].Actor != "pc1" {
		t.Fatalf("audit %+v", log[0])
	}
	// the window slides: resolved automatically, and gone from the board
	c.Add(2 * time.Hour)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if open, _ := st.OpenAlerts(ctx, "op"); len(open) != 0 {
		t.Fatalf("resolved alert still open: %+v", open)
	}
}
