package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// newAlerts builds the alert engine and service from the config.
func newAlerts(f *config.File, lists []watch.WatchList, reg *watch.Registry, st *store.Store, logger *slog.Logger, now func() time.Time, n *notifiers) (*alerts.Service, error) {
	var rules []alerts.Rule
	for _, r := range f.Alerts {
		rules = append(rules, alerts.Rule{ID: r.ID, Name: r.Name, Kind: alerts.Kind(r.Kind), Operation: r.Operation,
			Severity: r.Severity, Threshold: r.Threshold, Window: r.Window, Baseline: r.Baseline, Factor: r.Factor,
			MinHits: r.MinHits, For: r.For, Repeat: r.Repeat})
	}
	ops := reg.All()
	var aops []alerts.Operation
	for _, op := range ops {
		aops = append(aops, alerts.Operation{Operation: op, Terms: op.Terms})
	}
	eng, err := alerts.New(rules, aops, now)
	if err != nil {
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
	sev := map[string]string{}
	for _, l := range lists {
		sev[l.ID] = l.Severity
	}
	return alerts.NewService(eng, st, logger, alerts.ServiceOptions{Severities: sev,
		Notify: func(_ context.Context, c alerts.Change) {
			op, _ := reg.Get(c.Alert.Operation)
			n.alert(c, op.Name)
		}}), nil
}
