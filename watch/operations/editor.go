// Package operations edits the operations in force. Operations come from
// the config file and from the console. The store keeps those made in the
// console (origin "web") and the console's edits of config operations
// (origin "override"): an override wins over the file's definition of that
// id, across restarts, until an analyst reverts it. The registry holds what
// is in force; everything that depends on operations follows it, so a
// change takes effect without a restart.
package operations

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// Store keeps the console's operations and overrides.
type Store interface {
	StoredOperations(ctx context.Context) ([]watch.Operation, error)
	SaveOperation(ctx context.Context, op watch.Operation, old *watch.Operation, by string) error
	RemoveOperationOverride(ctx context.Context, id string, cfg watch.Operation, by string) error
}

// Lists are the watch lists an operation may name.
type Lists interface {
	Entries() []watch.ListEntry
}

// Options are what an Editor needs.
type Options struct {
	Store   Store
	Lists   Lists
	Config  []watch.Operation // the config file's operations, for reverting an override
	Sources []watch.Source
	Teams   []string
	Logger  *slog.Logger
}

// Editor checks, stores and puts in force operations made or edited in
// the console (the console's ui.OperationEditor).
type Editor struct {
	o   Options
	reg *watch.Registry // the operations in force, once loaded
	log *slog.Logger
	mu  sync.Mutex // one operation change at a time
}

// NewEditor returns an editor.
func NewEditor(o Options) *Editor {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Editor{o: o, log: o.Logger.With("component", "operations")}
}

// Load lays the stored operations over the config's and returns the
// registry of the operations in force, which the editor changes from then
// on, with those operations in the config's order, then the console's.
func (e *Editor) Load(ctx context.Context) (*watch.Registry, []watch.Operation, error) {
	ops, err := e.withStored(ctx, e.o.Config)
	if err != nil {
		return nil, nil, err
	}
	e.reg = watch.NewRegistry(ops)
	return e.reg, ops, nil
}

// withStored lays the stored operations over the config's.
func (e *Editor) withStored(ctx context.Context, cfgOps []watch.Operation) ([]watch.Operation, error) {
	stored, err := e.o.Store.StoredOperations(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]int{}
	out := append([]watch.Operation(nil), cfgOps...)
	for i, op := range out {
		byID[op.ID] = i
	}
	known := e.Known()
	for _, op := range stored {
		// a list, source or team removed from the file since: keep the
		// operation, drop the dangling reference, and say so
		op.WatchLists = e.keepKnown(op.ID, "watch list", op.WatchLists, known.Lists)
		op.Sources = e.keepKnown(op.ID, "source", op.Sources, known.Sources)
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

func (e *Editor) keepKnown(op, what string, ids []string, known map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if known[id] {
			out = append(out, id)
			continue
		}
		e.log.Warn("stored operation names something no longer defined; ignored", "operation", op, "what", what, "id", id)
	}
	return out
}

// Known is what an operation may refer to.
func (e *Editor) Known() watch.Known {
	k := watch.Known{Lists: map[string]bool{}, Sources: map[string]bool{}, Teams: map[string]bool{}, TeamsOptional: len(e.o.Teams) == 0}
	for _, e := range e.o.Lists.Entries() {
		k.Lists[e.List.ID] = true
	}
	for _, s := range e.o.Sources {
		k.Sources[s.ID] = true
	}
	for _, t := range e.o.Teams {
		k.Teams[t] = true
	}
	return k
}

// ErrNoOverride: a revert of an operation the console has not changed.
var ErrNoOverride = fmt.Errorf("the operation has no console edit to revert: %w", store.ErrNotFound)

// SaveOperation checks an operation made or edited in the console, stores
// it (audited, with the old and new definition) and puts it in force.
func (e *Editor) SaveOperation(ctx context.Context, op watch.Operation, by string, create bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p := op.Check(e.Known()); len(p) > 0 {
		return p
	}
	old, exists := e.reg.Get(op.ID)
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
	if err := e.o.Store.SaveOperation(ctx, op, prev, by); err != nil {
		if errors.Is(err, store.ErrExists) {
			return watch.OperationProblems{{Field: "id", Msg: fmt.Sprintf("an operation %q exists already", op.ID)}}
		}
		return err
	}
	e.reg.Put(op)
	e.log.Info("operation saved", "operation", op.ID, "origin", op.Origin, "by", by)
	return nil
}

// RevertOperation drops the console's edit of a config operation.
func (e *Editor) RevertOperation(ctx context.Context, id, by string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cur, ok := e.reg.Get(id)
	if !ok || cur.Origin != watch.OriginOverride {
		return ErrNoOverride
	}
	for _, op := range e.o.Config {
		if op.ID != id {
			continue
		}
		if err := e.o.Store.RemoveOperationOverride(ctx, id, op, by); err != nil {
			return err
		}
		e.reg.Put(op)
		return nil
	}
	return ErrNoOverride
}
