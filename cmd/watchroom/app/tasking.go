package app

import (
	"context"
	"fmt"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/tasking"
)

// taskingConfig turns the config's tasking section into the tasking
// package's, with its defaults for what the file leaves out.
func taskingConfig(f *config.File) (tasking.Config, error) {
	var c tasking.Config
	for _, t := range f.Tasking.Types {
		c.Types = append(c.Types, tasking.Type{ID: t.ID, Name: t.Name, Investigation: t.Investigation})
	}
	c.Teams = append(c.Teams, f.Tasking.Teams...)
	for _, l := range f.Tasking.Levels {
		c.Levels = append(c.Levels, tasking.Level{Type: l.Type, Urgency: tasking.Urgency(l.Urgency), Triage: l.Triage, Complete: l.Complete})
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("tasking: %w", err)
	}
	return c, nil
}

// overdueRule is the alert rule of requests past their service level; the
// console adds it itself, as the levels are the tasking section's.
var overdueRule = alerts.Rule{ID: "tasking-overdue", Name: "Request past its service level", Kind: alerts.KindRequestOverdue}

// feedOverdue hands the alert engine the requests past their service
// level now, every minute.
func (a *App) feedOverdue(ctx context.Context) {
	rows, err := a.store.OpenRequestRows(ctx)
	if err != nil {
		a.log.Error("tasking service levels", "err", err)
		return
	}
	if err := a.alerts.ObserveOverdue(ctx, tasking.FindOverdue(rows, a.tasking, a.now())); err != nil {
		a.log.Error("tasking service levels", "err", err)
	}
}

// seedOverdue gives the engine the overdue set at start without evaluating
// (nothing is evaluated at start), so that alerts restored from before a
// restart still hold when the first tick evaluates.
func (a *App) seedOverdue(ctx context.Context) error {
	rows, err := a.store.OpenRequestRows(ctx)
	if err != nil {
		return err
	}
	a.alerts.SeedOverdue(tasking.FindOverdue(rows, a.tasking, a.now()))
	return nil
}
