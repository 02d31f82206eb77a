package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/alerts/notify/smtptest"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// An alert fired and acknowledged before a restart is still acknowledged
// by the same person after it, is not notified again at start nor taken
// for a new alert when its condition fires again, and resolves by itself
// on a tick once its window passes with no new hits: an "alert" timeline
// event on the operation's board.
func TestAlertSurvivesRestart(t *testing.T) {
	addr, box, _, caPEM := smtptest.Start(t, smtptest.Options{})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Link: "https://example.org/1"})
	cfg, err := config.Parse("restore.yaml", []byte(fmt.Sprintf(notifyConfig, tempDataDir(t), feed.url, addr, ca)), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	clock := watchtest.NewClock(cfg.Operations[0].Start.Add(-3 * time.Hour))
	env := map[string]string{"TEST_SMTP_PASSWORD": "correct horse"}
	open := func() *App {
		t.Helper()
		a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
			Options{Now: clock.Now, Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	mails := func(a *App) int {
		a.notify.Wait(context.Background())
		got, _, _ := box.Snapshot()
		return len(got)
	}
	ctx := context.Background()

	a := open()
	a.startAlerts()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	// the firing is recorded off the write path, then notified once its
	// group has waited for more (group_wait, 30s)
	watchtest.WaitFor(t, "the alert", 10*time.Second, func() bool { return len(a.alerts.Open()) == 1 })
	clock.Add(30 * time.Second)
	if err := a.alerts.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "the firing mail", 10*time.Second, func() bool { got, _, _ := box.Snapshot(); return len(got) == 1 })
	fp := a.alerts.Open()[0].Fingerprint
	clock.Add(5 * time.Minute)
	acked, err := a.alerts.Ack(ctx, fp, "sgt.jones")
	if err != nil {
		t.Fatal(err)
	}
	if n := mails(a); n != 1 {
		t.Fatalf("%d mails before the restart, want the firing one", n)
	}
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	// the restart
	clock.Add(10 * time.Minute)
	b := open()
	defer b.Stop(ctx)
	got := b.alerts.Open()
	if len(got) != 1 || got[0].Fingerprint != fp || got[0].State != alerts.StateAcknowledged ||
		got[0].AckedBy != "sgt.jones" || !got[0].AckedAt.Equal(acked.AckedAt) || got[0].LastNotified.IsZero() {
		t.Fatalf("after the restart the open alerts are %+v", got)
	}
	b.startAlerts()
	if err := b.alerts.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	// the same condition again: the same alert, still acknowledged
	feed.add(feedItem{GUID: "g2", Title: "Free party tonight", Link: "https://example.org/2"})
	if err := b.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "the second hit in the alert", 10*time.Second, func() bool {
		o := b.alerts.Open()
		return len(o) == 1 && len(o[0].Evidence) == 2
	})
	if o := b.alerts.Open()[0]; o.State != alerts.StateAcknowledged || o.AckedBy != "sgt.jones" {
		t.Fatalf("after a new hit: %+v", o)
	}
	if n := mails(b); n != 1 {
		t.Fatalf("%d mails after the restart, want still 1", n)
	}
	if open := alertEvents(t, b, "resolved"); len(open) != 0 {
		t.Fatalf("resolved before its window passed: %+v", open)
	}

	// the window (an hour) passes with no new hits
	clock.Add(time.Hour + time.Minute)
	if err := b.alerts.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if o := b.alerts.Open(); len(o) != 0 {
		t.Fatalf("still open: %+v", o)
	}
	res := alertEvents(t, b, "resolved")
	if len(res) != 1 || res[0].Alert.Fingerprint != fp || res[0].Alert.ResolvedBy != "system" ||
		res[0].Alert.AckedBy != "sgt.jones" || !res[0].Alert.ResolvedAt.Equal(clock.Now()) {
		t.Fatalf("resolved events %+v", res)
	}
	stored, err := b.store.OpenAlerts(ctx, watch.BoardAll)
	if err != nil || len(stored) != 0 {
		t.Fatalf("open in the store: %+v %v", stored, err)
	}
}

// alertEvents returns the alert changes of a kind on the timeline.
func alertEvents(t *testing.T, a *App, event string) []alerts.Change {
	t.Helper()
	evs, err := a.store.EventsAfter(context.Background(), "op1", 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []alerts.Change
	for _, ev := range evs {
		if ev.Type != watch.EventAlert {
			continue
		}
		var c alerts.Change
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			t.Fatal(err)
		}
		if c.Event == event {
			out = append(out, c)
		}
	}
	return out
}

// An alert whose rule was taken out of the config, or whose operation no
// longer exists, is resolved at start with the reason, audited.
func TestAlertOfRemovedRuleResolvedAtStart(t *testing.T) {
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Link: "https://example.org/1"})
	dir := tempDataDir(t)
	text := fmt.Sprintf(e2eConfig, dir, feed.url)
	cfg, err := config.Parse("restore.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	clock := watchtest.NewClock(cfg.Operations[0].Start.Add(-3 * time.Hour))
	ctx := context.Background()
	a, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	a.startAlerts()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "the firing recorded", 10*time.Second, func() bool { return len(alertEvents(t, a, "firing")) == 1 })
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	text = strings.Replace(text, "  - id: ume-hit\n    name: UME hit\n", "  - id: ume-any\n    name: Any UME hit\n", 1)
	if cfg, err = config.Parse("restore.yaml", []byte(text), ConfigOptions()); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Minute)
	b, err := New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Stop(ctx)
	if o := b.alerts.Open(); len(o) != 0 {
		t.Fatalf("open %+v", o)
	}
	res := alertEvents(t, b, "resolved")
	if len(res) != 1 || res[0].Alert.RuleID != "ume-hit" || !strings.Contains(res[0].Alert.Reason, `rule "ume-hit" is no longer in the config`) {
		t.Fatalf("resolved at start %+v", res)
	}
	entries, err := b.store.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Action == "alert_resolve" && e.Actor == "system" && e.Target == "alert:"+res[0].Alert.Fingerprint {
			found = true
		}
	}
	if !found {
		t.Fatalf("no audit entry for the resolution at start: %+v", entries)
	}
}
