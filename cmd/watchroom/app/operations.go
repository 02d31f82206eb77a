package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// Operations come from the config file and from the console. The store
// keeps those made in the console (origin "web") and the console's edits
// of config operations (origin "override"): an override wins over the
// file's definition of that id, across restarts, until an analyst reverts
// it. The registry holds what is in force; everything that depends on
// operations follows it, so a change takes effect without a restart.

// withStoredOperations lays the stored operations over the config's.
func (a *App) withStoredOperations(ctx context.Context, cfgOps []watch.Operation) ([]watch.Operation, error) {
	stored, err := a.store.StoredOperations(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	out := append([]watch.Operation(nil), cfgOps...)
	for i, op := range out {
		byID[op.ID] = i
	}
	known := a.known()
	for _, op := range stored {
		// a list, source or team removed from the file since: keep the
		// operation, drop the dangling reference, and say so
		op.WatchLists = a.keepKnown(op.ID, "watch list", op.WatchLists, known.Lists)
		op.Sources = a.keepKnown(op.ID, "source", op.Sources, known.Sources)
		if i, ok := byID[op.ID]; ok {
			op.Origin = watch.OriginOverride
			out[i] = op
			continue
		}
		op.Origin = watch.OriginWeb
		out = append(out, op)
	}
	return out, nil
}

func (a *App) keepKnown(op, what string, ids []string, known map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if known[id] {
			out = append(out, id)
			continue
		}
		a.log.Warn("stored operation names something no longer defined; ignored", "operation", op, "what", what, "id", id)
	}
	return out
}

// known is what an operation may refer to.
func (a *App) known() watch.Known {
	k := watch.Known{Lists: map[string]bool{}, Sources: map[string]bool{}, Teams: map[string]bool{}, TeamsOptional: len(a.teams) == 0}
	for _, e := range a.lists.Entries() {
		k.Lists[e.List.ID] = true
	}
	for _, s := range a.sourceList {
		k.Sources[s.ID] = true
	}
	for _, t := range a.teams {
		k.Teams[t] = true
	}
	return k
}

// followOperations makes the watch lists (and so the matcher), the alert
// engine and the surge scheduler follow the registry.
func (a *App) followOperations() {
	a.reg.Subscribe(func(ops []watch.Operation) {
		a.lists.SetOperations(ops)
		if err := a.alerts.SetOperations(ops); err != nil {
			a.log.Error("alert engine: operations", "err", err)
		}
		a.surge.SetOperations(ops)
		for id := range a.sources {
			a.sched.Reschedule(id) // a new phase may tighten the cadence now
		}
	})
}

// ErrConfigOnly: the operation's id belongs to the config file.
var errNoOverride = fmt.Errorf("the operation has no console edit to revert: %w", store.ErrNotFound)

// SaveOperation checks an operation made or edited in the console, stores
// it (audited, with the old and new definition) and puts it in force.
func (a *App) SaveOperation(ctx context.Context, op watch.Operation, by string, create bool) error {
	a.opMu.Lock()
	defer a.opMu.Unlock()
	if p := op.Check(a.known()); len(p) > 0 {
		return p
	}
	old, exists := a.reg.Get(op.ID)
	switch {
	case create && exists:
		return watch.OperationProblems{{Field: "id", Msg: fmt.Sprintf("an operation %q exists already", op.ID)}}
	case !create && !exists:
		return fmt.Errorf("operation %s: %w", op.ID, store.ErrNotFound)
	}
	var prev *watch.Operation
	op.Origin = watch.OriginWeb
	if exists {
		prev = &old
		if old.Origin == watch.OriginConfig || old.Origin == watch.OriginOverride {
			op.Origin = watch.OriginOverride
		}
	}
	if err := a.store.SaveOperation(ctx, op, prev, by); err != nil {
		if errors.Is(err, store.ErrExists) {
			return watch.OperationProblems{{Field: "id", Msg: fmt.Sprintf("an operation %q exists already", op.ID)}}
		}
		return err
	}
	a.reg.Put(op)
	a.log.Info("operation saved", "operation", op.ID, "origin", op.Origin, "by", by)
	return nil
}

// RevertOperation drops the console's edit of a config operation.
func (a *App) RevertOperation(ctx context.Context, id, by string) error {
	a.opMu.Lock()
	defer a.opMu.Unlock()
	cur, ok := a.reg.Get(id)
	if !ok || cur.Origin != watch.OriginOverride {
		return errNoOverride
	}
	_, _, cfgOps := Domain(a.cfg)
	for _, op := range cfgOps {
		if op.ID != id {
			continue
		}
		if err := a.store.RemoveOperationOverride(ctx, id, op, by); err != nil {
			return err
		}
		a.reg.Put(op)
		return nil
	}
	return errNoOverride
}
