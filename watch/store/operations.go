package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// SaveOperation creates or replaces an operation made or edited in the
// console, in one transaction with its audit entry (the old and the new
// definition) and an operation event on its board. old is nil for a new
// operation; op.Origin is OriginWeb or OriginOverride.
func (s *Store) SaveOperation(ctx context.Context, op watch.Operation, old *watch.Operation, by string) error {
	if op.Origin != watch.OriginWeb && op.Origin != watch.OriginOverride {
		return fmt.Errorf("save operation %s: origin %q: %w", op.ID, op.Origin, ErrInvalid)
	}
	data, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("encode operation: %w", err)
	}
	detail, err := json.Marshal(map[string]any{"old": old, "new": op})
	if err != nil {
		return err
	}
	action := "operation_update"
	if old == nil {
		action = "operation_create"
	}
	return s.write(ctx, func(t *tx) error {
		if old == nil {
			var n int
			if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM operations WHERE id = ?`, op.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("operation %s: %w", op.ID, ErrExists)
			}
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO operations(id, origin, data, updated, updated_by) VALUES(?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET origin=excluded.origin, data=excluded.data, updated=excluded.updated, updated_by=excluded.updated_by`,
			op.ID, op.Origin, string(data), fmtTime(t.now), by); err != nil {
			return fmt.Errorf("save operation %s: %w", op.ID, err)
		}
		if _, err := t.appendEvent(ctx, watch.EventOperation, []string{op.ID}, map[string]any{"event": action, "operation": op, "by": by}); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: action, Target: "operation:" + op.ID, Detail: string(detail)})
	})
}

// RemoveOperationOverride forgets the console's edit of a config
// operation, so the file's definition (cfg) is in force again; audited.
func (s *Store) RemoveOperationOverride(ctx context.Context, id string, cfg watch.Operation, by string) error {
	return s.write(ctx, func(t *tx) error {
		var data string
		err := t.QueryRowContext(ctx, `SELECT data FROM operations WHERE id = ?`, id).Scan(&data)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("override of %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM operations WHERE id = ?`, id); err != nil {
			return fmt.Errorf("remove override of %s: %w", id, err)
		}
		detail, _ := json.Marshal(map[string]any{"old": json.RawMessage(data), "new": cfg})
		if _, err := t.appendEvent(ctx, watch.EventOperation, []string{id}, map[string]any{"event": "operation_revert", "operation": cfg, "by": by}); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "operation_revert", Target: "operation:" + id, Detail: string(detail)})
	})
}

// StoredOperations returns the operations kept in the store.
func (s *Store) StoredOperations(ctx context.Context) ([]watch.Operation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM operations ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("stored operations: %w", err)
	}
	defer rows.Close()
	var out []watch.Operation
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		var op watch.Operation
		if err := json.Unmarshal([]byte(d), &op); err != nil {
			return nil, fmt.Errorf("stored operation: %w", err)
		}
		out = append(out, op)
	}
	return out, rows.Err()
}
