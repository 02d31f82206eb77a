package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// RecordAlertChanges writes changes in one transaction: each alert's
// current state by fingerprint, and each change as an "alert" timeline
// event on the alert's operation's board; audit, when given, is the first
// change's audit entry.
func (s *Store) RecordAlertChanges(ctx context.Context, chs []watch.AlertChange, audit *watch.AuditEntry) error {
	if len(chs) == 0 {
		return nil
	}
	return s.write(ctx, func(t *tx) error {
		for i, c := range chs {
			data, err := json.Marshal(c.Alert)
			if err != nil {
				return fmt.Errorf("encode alert: %w", err)
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO alerts(fingerprint, operation, state, data, updated) VALUES(?,?,?,?,?)
				ON CONFLICT(fingerprint) DO UPDATE SET operation=excluded.operation, state=excluded.state, data=excluded.data, updated=excluded.updated`,
				c.Alert.Fingerprint, c.Alert.Operation, string(c.Alert.State), string(data), fmtTime(t.now)); err != nil {
				return fmt.Errorf("save alert: %w", err)
			}
			var ops []string
			if c.Alert.Operation != "" {
				ops = []string{c.Alert.Operation}
			}
			if _, err := t.appendEvent(ctx, watch.EventAlert, ops, c); err != nil {
				return err
			}
			if i == 0 && audit != nil {
				if err := t.audit(ctx, *audit); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// OpenAlerts returns the alerts not resolved on a board.
func (s *Store) OpenAlerts(ctx context.Context, board string) ([]watch.Alert, error) {
	where, args := boardFilter(board, "(','||operation||',')")
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE state != 'resolved' AND `+where+` ORDER BY updated DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	return alertDocs(rows)
}

// AlertsOf returns every alert of an operation, open or resolved, newest
// first (a briefing's alert history).
func (s *Store) AlertsOf(ctx context.Context, operation string, limit int) ([]watch.Alert, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE operation = ? ORDER BY updated DESC LIMIT ?`, operation, limit)
	if err != nil {
		return nil, fmt.Errorf("alerts of %s: %w", operation, err)
	}
	return alertDocs(rows)
}

// AlertsToRestore returns every alert not resolved and every alert
// resolved since the given time (a restart gives them back to the alert
// engine).
func (s *Store) AlertsToRestore(ctx context.Context, resolvedSince time.Time) ([]watch.Alert, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM alerts WHERE state != 'resolved' OR updated >= ? ORDER BY fingerprint`, fmtTime(resolvedSince))
	if err != nil {
		return nil, fmt.Errorf("alerts to restore: %w", err)
	}
	return alertDocs(rows)
}

// alertDocs reads rows of one column, an alert's stored JSON.
func alertDocs(rows *sql.Rows) ([]watch.Alert, error) {
	defer rows.Close()
	out := []watch.Alert{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		var a watch.Alert
		if err := json.Unmarshal([]byte(d), &a); err != nil {
			return nil, fmt.Errorf("stored alert: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
