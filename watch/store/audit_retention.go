package store

import (
	"context"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// The audit log's own retention (docs/retention.md). Its oldest rows go
// when older than the class, in one transaction that also keeps an
// audit_prunes row (the last row removed, its hash and time, how many)
// and appends an "audit_prune" entry to the chain. The newest row always
// stays, so the chain keeps its head and ids are never reused. CheckAudit
// starts the chain from the last removal's hash and counts the removed
// rows, so checkpoints made before a removal still check.

// PruneAudit removes the audit log's rows older than keep and reports the
// removal (zero Rows: nothing was due).
func (s *Store) PruneAudit(ctx context.Context, keep time.Duration) (watch.AuditPrune, error) {
	var p watch.AuditPrune
	if keep <= 0 {
		return p, nil
	}
	err := s.write(ctx, func(t *tx) error {
		p = watch.AuditPrune{At: t.now, OlderThan: keep}
		cut := fmtTime(t.now.Add(-keep))
		// the removal is a prefix: up to the row before the first one kept,
		// and never the newest row
		var firstKept, newest int64
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM audit WHERE at >= ?`, cut).Scan(&firstKept); err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM audit`).Scan(&newest); err != nil {
			return err
		}
		through := newest - 1
		if firstKept > 0 && firstKept-1 < through {
			through = firstKept - 1
		}
		var at string
		err := t.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(id), 0) FROM audit WHERE id <= ?`, through).Scan(&p.Rows, &p.ThroughID)
		if err != nil || p.Rows == 0 {
			return err
		}
		if err := t.QueryRowContext(ctx, `SELECT hash, at FROM audit WHERE id = ?`, p.ThroughID).Scan(&p.ThroughHash, &at); err != nil {
			return err
		}
		p.ThroughAt = parseTime(at)
		if _, err := t.ExecContext(ctx, `INSERT INTO audit_prunes(at, older_than, through_id, through_hash, through_at, rows) VALUES(?,?,?,?,?,?)`,
			fmtTime(p.At), keep.String(), p.ThroughID, p.ThroughHash, at, p.Rows); err != nil {
			return fmt.Errorf("record audit prune: %w", err)
		}
		// the log refuses deletion; this transaction alone lifts that
		if _, err := t.ExecContext(ctx, `DROP TRIGGER audit_no_delete`); err != nil {
			return fmt.Errorf("prune audit: %w", err)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM audit WHERE id <= ?`, p.ThroughID); err != nil {
			return fmt.Errorf("prune audit: %w", err)
		}
		if _, err := t.ExecContext(ctx, `CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
			BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`); err != nil {
			return fmt.Errorf("prune audit: %w", err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "audit_prune", Target: "audit",
			Detail: fmt.Sprintf("class=audit older_than=%s rows=%d through_id=%d through_hash=%s", keep, p.Rows, p.ThroughID, p.ThroughHash)})
	})
	if err != nil {
		return watch.AuditPrune{}, fmt.Errorf("prune audit: %w", err)
	}
	return p, nil
}

// AuditPrunes lists the removals of the audit log's oldest rows, oldest first.
func (s *Store) AuditPrunes(ctx context.Context) ([]watch.AuditPrune, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT at, older_than, through_id, through_hash, through_at, rows FROM audit_prunes ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("audit prunes: %w", err)
	}
	defer rows.Close()
	var out []watch.AuditPrune
	for rows.Next() {
		var p watch.AuditPrune
		var at, older, through string
		if err := rows.Scan(&at, &older, &p.ThroughID, &p.ThroughHash, &through, &p.Rows); err != nil {
			return nil, fmt.Errorf("audit prunes: %w", err)
		}
		p.At, p.ThroughAt = parseTime(at), parseTime(through)
		if p.OlderThan, err = time.ParseDuration(older); err != nil {
			return nil, fmt.Errorf("audit prunes: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// pruneFindings holds the removals against their own claim and the
// checkpoints: a removal whose newest row was younger than its class, or
// that took rows written after a checkpoint made within the class (a
// checkpoint's head was the newest row when it was made, so rows after it
// are younger than the checkpoint), removed rows that were not yet due.
func pruneFindings(prunes []watch.AuditPrune, cps []watch.AuditCheckpoint) []watch.AuditFinding {
	var out []watch.AuditFinding
	for _, p := range prunes {
		cut := p.At.Add(-p.OlderThan)
		if !p.ThroughAt.Before(cut) {
			out = append(out, watch.AuditFinding{Kind: watch.AuditUnlawful, Row: p.ThroughID,
				Message: fmt.Sprintf("removed too young: the removal of %s took rows up to %d, written %s, younger than its class (%s)",
					p.At.Format(time.RFC3339), p.ThroughID, p.ThroughAt.Format(time.RFC3339), p.OlderThan)})
			continue
		}
		for _, c := range cps {
			if c.Rows > 0 && c.HeadID < p.ThroughID && !c.At.Before(cut) {
				cc := c
				out = append(out, watch.AuditFinding{Kind: watch.AuditUnlawful, Row: p.ThroughID, Checkpoint: &cc,
					Message: fmt.Sprintf("removed too young: the removal of %s took rows written after the checkpoint of %s (head row %d), within its class (%s)",
						p.At.Format(time.RFC3339), c.At.Format(time.RFC3339), c.HeadID, p.OlderThan)})
				break
			}
		}
	}
	return out
}
