package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// auditWhere turns a filter into a WHERE clause and its arguments.
func auditWhere(f watch.AuditFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Actor != "" {
		conds, args = append(conds, "actor = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		conds, args = append(conds, "action = ?"), append(args, f.Action)
	}
	if f.Target != "" {
		// a prefix, compared exactly: no LIKE, so _ and % are plain characters
		conds, args = append(conds, "substr(target, 1, ?) = ?"), append(args, len(f.Target), f.Target)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "at >= ?"), append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "at < ?"), append(args, fmtTime(f.To))
	}
	if f.Before > 0 {
		conds, args = append(conds, "id < ?"), append(args, f.Before)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// SearchAudit returns the entries the filter picks, newest first, at most
// f.Limit (default 100).
func (s *Store) SearchAudit(ctx context.Context, f watch.AuditFilter) ([]watch.AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	var out []watch.AuditEntry
	err := s.EachAudit(ctx, f, func(e watch.AuditEntry) error { out = append(out, e); return nil })
	return out, err
}

// EachAudit calls fn with each entry the filter picks, newest first, at
// most f.Limit (0: all), without holding them all in memory (exports).
func (s *Store) EachAudit(ctx context.Context, f watch.AuditFilter, fn func(watch.AuditEntry) error) error {
	where, args := auditWhere(f)
	q := `SELECT id, at, actor, action, target, detail, hash FROM audit` + where + ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e watch.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Hash); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		e.At = parseTime(at)
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
