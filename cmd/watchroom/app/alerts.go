package app

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// newAlerts builds the alert engine and service from the config.
func newAlerts(f *config.File, lists *watch.Lists, reg *watch.Registry, st *store.Store, logger *slog.Logger, now func() time.Time, n *notify.Router) (*alerts.Service, error) {
	var rules []alerts.Rule
	for _, r := range f.Alerts {
		rules = append(rules, alerts.Rule{ID: r.ID, Name: r.Name, Kind: alerts.Kind(r.Kind), Operation: r.Operation,
			Severity: r.Severity, Threshold: r.Threshold, Window: r.Window, Baseline: r.Baseline, Factor: r.Factor,
			MinHits: r.MinHits, For: r.For, Repeat: r.Repeat})
	}
	rules = withReferralChaser(rules)
	rules = append(rules, overdueRule, lagRule)
	ops := reg.All()
	var aops []alerts.Operation
	for _, op := range ops {
		aops = append(aops, alerts.Operation{Operation: op, Terms: op.Terms})
	}
	eng, err := alerts.New(rules, aops, now)
	if err != nil {
		return nil, err
	}
	g := f.AlertGrouping
	if err := eng.SetGrouping(alerts.GroupOptions{By: g.By, Wait: g.Wait, Interval: g.Interval, Repeat: g.Repeat}); err != nil {
		return nil, err
	}
	// authors stored before a restart are not new to their operation
	for _, op := range ops {
		authors, err := st.AuthorsOf(context.Background(), op.ID)
		if err != nil {
			return nil, err
		}
		eng.SeedAuthors(op.ID, authors, now())
	}
	svc := alerts.NewService(eng, st, logger, alerts.ServiceOptions{Severity: lists.Severity, Silences: st, Timeline: st,
		Notify: func(_ context.Context, g alerts.Notice) {
			op, _ := reg.Get(notify.NoticeOperation(g))
			n.Alert(g, op.Name)
		}})
	if err := loadSilences(f, st, svc); err != nil {
		return nil, err
	}
	if err := restoreAlerts(context.Background(), f, st, eng.Horizon(), now, svc); err != nil {
		return nil, err
	}
	return svc, nil
}

// lagRule alerts when alert evaluation itself falls a minute behind the
// timeline; the console adds it itself.
var lagRule = alerts.Rule{ID: "alerts-lag", Name: "Alert evaluation behind the timeline", Kind: alerts.KindEvaluationLag, Lag: time.Minute}

// restoreHitsMax caps the hits read back into the rules' windows at start.
const restoreHitsMax = 200000

// restoreAlerts gives the engine back what it knew before a restart: the
// open alerts (and those resolved by hand within the horizon), the hits of
// the horizon for the rules' windows, and each source's last health.
func restoreAlerts(ctx context.Context, f *config.File, st *store.Store, horizon time.Duration, now func() time.Time, svc *alerts.Service) error {
	if now == nil {
		now = time.Now
	}
	since := now().Add(-horizon)
	saved, err := st.AlertsToRestore(ctx, since)
	if err != nil {
		return err
	}
	// the hits evaluated before the restart fill the windows again; the
	// events after the saved position are evaluated by Run (a database
	// from before positions were saved: everything was evaluated)
	head, err := st.Head(ctx)
	if err != nil {
		return err
	}
	cur, ok, err := st.AlertCursor(ctx)
	if err != nil {
		return err
	}
	if !ok {
		cur = watch.AlertCursor{Seq: head, HitID: math.MaxInt64}
	}
	hits, err := st.HitsSince(ctx, since, restoreHitsMax)
	if err != nil {
		return err
	}
	hits = slices.DeleteFunc(hits, func(h watch.HitView) bool { return h.ID > cur.HitID })
	if !ok {
		cur.HitID = 0
		for _, h := range hits {
			cur.HitID = max(cur.HitID, h.ID)
		}
	}
	svc.Resume(cur, head)
	var health []watch.SourceHealth
	for _, s := range f.Sources {
		h, err := st.SourceHealth(ctx, s.ID)
		if err != nil {
			return err
		}
		health = append(health, h)
	}
	pending, err := st.PendingReferrals(ctx)
	if err != nil {
		return err
	}
	svc.RestoreReferrals(pending)
	return svc.Restore(ctx, saved, hits, health)
}

// loadSilences puts the config's silences and the stored ones in force; a
// stored row with a config silence's id is that silence expired early in
// the console, and its end wins.
func loadSilences(f *config.File, st *store.Store, svc *alerts.Service) error {
	stored, err := st.Silences(context.Background())
	if err != nil {
		return err
	}
	byID := map[string]watch.Silence{}
	for _, r := range stored {
		byID[r.ID] = r
	}
	for _, c := range f.Silences {
		s := alerts.Silence{ID: c.ID, Matchers: c.Matchers, Start: c.Start, End: c.End, Reason: c.Reason, Author: c.Author, Origin: "config"}
		if r, ok := byID[c.ID]; ok && r.Origin == "config" && r.End.Before(s.End) {
			s.Start, s.End = r.Start, r.End
		}
		delete(byID, c.ID)
		if err := svc.LoadSilence(s); err != nil {
			return fmt.Errorf("silence %s: %w", c.ID, err)
		}
	}
	for _, r := range stored {
		if _, ok := byID[r.ID]; !ok || r.Origin != "web" {
			continue
		}
		if err := svc.LoadSilence(alerts.Silence{ID: r.ID, Matchers: r.Matchers, Start: r.Start, End: r.End, Reason: r.Reason, Author: r.Author, Origin: "web"}); err != nil {
			return fmt.Errorf("stored silence %s: %w", r.ID, err)
		}
	}
	return nil
}
