package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// Audit appends an entry to the audit log. Entries are hash-chained: each
// hash covers the previous one, so a changed or removed line shows.
func (s *Store) Audit(ctx context.Context, e watch.AuditEntry) error {
	return s.write(ctx, func(t *tx) error { return t.audit(ctx, e) })
}

func (t *tx) audit(ctx context.Context, e watch.AuditEntry) error {
	var prev string
	err := t.QueryRowContext(ctx, `SELECT hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: %w", err)
	}
	e.At = t.now
	h := auditHash(prev, e)
	if _, err := t.exec(`INSERT INTO audit(at, actor, action, target, detail, prev_hash, hash) VALUES(?,?,?,?,?,?,?)`,
		fmtTime(e.At), e.Actor, e.Action, e.Target, e.Detail, prev, h); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

func auditHash(prev string, e watch.AuditEntry) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{prev, fmtTime(e.At), e.Actor, e.Action, e.Target, e.Detail}, "\x1f")))
	return hex.EncodeToString(sum[:])
}

// AuditLog returns the newest entries, newest first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]watch.AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, actor, action, target, detail, hash FROM audit ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []watch.AuditEntry
	for rows.Next() {
		var e watch.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &e.Hash); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain and reports the first entry whose hash
// does not follow from its content and its predecessor.
func (s *Store) VerifyAudit(ctx context.Context) error {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, actor, action, target, detail, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	prev := "" // or, after the log's retention removed its oldest rows, the last removed row's hash
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT through_hash FROM audit_prunes ORDER BY id DESC LIMIT 1), '')`).Scan(&prev); err != nil {
		return fmt.Errorf("verify audit: %w", err)
	}
	for rows.Next() {
		var e watch.AuditEntry
		var at, p string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &p, &e.Hash); err != nil {
			return err
		}
		e.At = parseTime(at)
		if p != prev || auditHash(prev, e) != e.Hash {
			return fmt.Errorf("audit entry %d does not follow the chain", e.ID)
		}
		prev = e.Hash
	}
	return rows.Err()
}
