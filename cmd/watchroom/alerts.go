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
func newAlerts(f *config.File, lists *watch.Lists, ops []watch.Operation, st *store.Store, logger *slog.Logger, now func() time.Time, n *notifiers) (*alerts.Service, error) {
	var rules []alerts.Rule
	for _, r := range f.Alerts {
		rules = append(rules, alerts.Rule{ID: r.ID, Name: r.Name, Kind: alerts.Kind(r.Kind), Operation: r.Operation,
			Severity: r.Severity, Threshold: r.Threshold, Window: r.Window, Baseline: r.Baseline, Factor: r.Factor,
			MinHits: r.MinHits, For: r.For, Repeat: r.Repeat})
	}
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
	names := map[string]string{}
	for _, op := range ops {
		names[op.ID] = op.Name
	}
	return alerts.NewService(eng, st, logger, alerts.ServiceOptions{Severity: lists.Severity,
		Notify: func(_ context.Context, c alerts.Change) { n.alert(c, names[c.Alert.Operation]) }}), nil
}
