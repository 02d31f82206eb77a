package alerts

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// A referral without an outcome after its due time raises a chaser alert
// on its operation's board, notified; recording the outcome resolves it.
func TestReferralChaser(t *testing.T) {
	c := newClock()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "w.db"), logger, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	eng := engine(t, c, Rule{ID: "chase", Name: "Referral not answered", Kind: KindReferralOverdue})
	var notified []Notice
	svc := NewService(eng, st, logger, ServiceOptions{Notify: func(_ context.Context, n Notice) { notified = append(notified, n) }})
	var alertsSeen []Change
	st.SetPublisher(func(evs []watch.Event) {
		for _, ev := range evs {
			if ev.Type == watch.EventAlert {
				var ch Change
				if err := json.Unmarshal(ev.Data, &ch); err != nil {
					t.Error(err)
				}
				if !ev.VisibleOn("op") {
					t.Errorf("alert not on the operation's board: %+v", ev)
				}
				if ch.Event != "notified" {
					alertsSeen = append(alertsSeen, ch)
				}
			}
		}
		svc.Observe(evs)
	})
	ctx := context.Background()
	handle := func() {
		t.Helper()
		if err := svc.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.AddReferral(ctx, watch.Referral{Platform: "tube", URL: "https://tube.example/v/1", Operation: "op", HitID: 7, By: "officer",
		DueAt: t0.Add(7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	handle()
	if len(alertsSeen) != 0 {
		t.Fatalf("alert before the due time: %+v", alertsSeen)
	}
	c.Add(7*24*time.Hour - time.Minute)
	if err := svc.Tick(ctx); err != nil || len(alertsSeen) != 0 {
		t.Fatalf("alert a minute early: %+v %v", alertsSeen, err)
	}
	c.Add(time.Minute)
	if err := svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if len(alertsSeen) != 1 || alertsSeen[0].Event != "firing" || alertsSeen[0].Alert.Labels["platform"] != "tube" ||
		alertsSeen[0].Alert.Labels["referral"] != "1" || alertsSeen[0].Alert.Evidence[0] != 7 || alertsSeen[0].Alert.Kind != KindReferralOverdue {
		t.Fatalf("chaser %+v", alertsSeen)
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(notified) != 1 || len(notified[0].Firing) != 1 || notified[0].Firing[0].Labels["referral"] != "1" {
		t.Fatalf("notified %+v", notified)
	}
	// an observation is not an outcome: the chaser holds
	if _, err := st.AddReferralObservation(ctx, watch.ReferralObservation{ReferralID: r.ID, Observed: watch.ObservedGone, Status: 404}); err != nil {
		t.Fatal(err)
	}
	handle()
	if len(alertsSeen) != 1 {
		t.Fatalf("an observation changed the alert: %+v", alertsSeen)
	}
	if _, err := st.UpdateReferral(ctx, r.ID, "officer", func(r *watch.Referral) error { r.Outcome = watch.OutcomeRemoved; return nil }); err != nil {
		t.Fatal(err)
	}
	handle()
	if len(alertsSeen) != 2 || alertsSeen[1].Event != "resolved" {
		t.Fatalf("after the outcome %+v", alertsSeen)
	}
}

// After a restart the pending referrals come back and the next tick chases.
func TestReferralChaserRestored(t *testing.T) {
	c := newClock()
	eng := engine(t, c, Rule{ID: "chase", Kind: KindReferralOverdue})
	svc := NewService(eng, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), ServiceOptions{})
	svc.RestoreReferrals([]watch.Referral{
		{ID: 1, Platform: "tube", Outcome: watch.OutcomePending, At: t0, DueAt: t0.Add(time.Hour)},
		{ID: 2, Platform: "tube", Outcome: watch.OutcomePending, At: t0, DueAt: t0.Add(48 * time.Hour)},
	})
	c.Add(2 * time.Hour)
	chs := eng.Tick()
	if len(chs) != 1 || chs[0].Event != "firing" || chs[0].Alert.Operation != "" || chs[0].Alert.Labels["referral"] != "1" {
		t.Fatalf("after restore %s %+v", summary(chs), chs)
	}
}
