package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// AlertChange is one change to an alert as the store keeps it: the alert's
// current state by fingerprint, and the change as a timeline event on the
// alert's operation's board.
type AlertChange struct {
	Fingerprint string
	Operation   string
	State       string
	Alert       any // the alert, stored as JSON
	Event       any // the change, the timeline event's data
	Audit       *watch.AuditEntry
}

// RecordAlertChanges writes changes and their timeline events in one
// transaction.
func (s *Store) RecordAlertChanges(ctx context.Context, chs []AlertChange) error {
	if len(chs) == 0 {
		return nil
	}
	return s.write(ctx, func(t *tx) error {
		for _, c := range chs {
			data, err := json.Marshal(c.Alert)
			if err != nil {
				return fmt.Errorf("encode alert: %w", err)
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO alerts(fingerprint, operation, state, data, updated) VALUES(?,?,?,?,?)
				ON CONFLICT(fingerprint) DO UPDATE SET operation=excluded.operation, state=excluded.state, data=excluded.data, updated=excluded.updated`,
				c.Fingerprint, c.Operation, c.State, string(data), fmtTime(t.now)); err != nil {
				return fmt.Errorf("save alert: %w", err)
			}
			var ops []string
			if c.Operation != "" {
				ops = []string{c.Operation}
			}
			if _, err := t.appendEvent(ctx, watch.EventAlert, ops, c.Event); err != nil {
				return err
			}
			if c.Audit != nil {
				if err := t.audit(ctx, *c.Audit); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// OpenAlerts returns the alerts not resolved on a board, as stored JSON.
func (s *Store) OpenAlerts(ctx context.Context, board string) ([]json.RawMessage, error) {
	where, args := boardFilter(board, "(','||operation||',')")
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE state != 'resolved' AND `+where+` ORDER BY updated DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	return alertDocs(rows)
}

// AlertsOf returns every alert of an operation, open or resolved, newest
// first (a briefing's alert history).
func (s *Store) AlertsOf(ctx context.Context, operation string, limit int) ([]json.RawMessage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE operation = ? ORDER BY updated DESC LIMIT ?`, operation, limit)
	if err != nil {
		return nil, fmt.Errorf("alerts of %s: %w", operation, err)
	}
	return alertDocs(rows)
}

// AlertsToRestore returns, as stored JSON, every alert not resolved and
// every alert resolved since the given time (a restart gives them back to
// the alert engine).
func (s *Store) AlertsToRestore(ctx context.Context, resolvedSince time.Time) ([]json.RawMessage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE state != 'resolved' OR updated >= ? ORDER BY fingerprint`, fmtTime(resolvedSince))
	if err != nil {
		return nil, fmt.Errorf("alerts to restore: %w", err)
	}
	return alertDocs(rows)
}

// alertDocs reads rows of one column, an alert's stored JSON.
func alertDocs(rows *sql.Rows) ([]json.RawMessage, error) {
	defer rows.Close()
	out := []json.RawMessage{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, json.RawMessage(d))
	}
	return out, rows.Err()
}
