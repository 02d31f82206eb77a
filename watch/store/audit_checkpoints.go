package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// AddAuditCheckpoint reads the audit log's head and row count, has sign
// sign them, and keeps the checkpoint; all in one transaction, so no row
// slips in between the count and the head.
func (s *Store) AddAuditCheckpoint(ctx context.Context, sign func(*watch.AuditCheckpoint)) (watch.AuditCheckpoint, error) {
	var c watch.AuditCheckpoint
	err := s.write(ctx, func(t *tx) error {
		c = watch.AuditCheckpoint{At: t.now}
		err := t.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&c.HeadID, &c.HeadHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit checkpoint: %w", err)
		}
		// rows ever written: those kept and those the log's retention removed
		if err := t.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM audit) + (SELECT COALESCE(SUM(rows), 0) FROM audit_prunes)`).Scan(&c.Rows); err != nil {
			return fmt.Errorf("audit checkpoint: %w", err)
		}
		sign(&c)
		res, err := t.ExecContext(ctx, `INSERT INTO audit_checkpoints(at, head_id, head_hash, rows, key, sig) VALUES(?,?,?,?,?,?)`,
			fmtTime(c.At), c.HeadID, c.HeadHash, c.Rows, c.Key, c.Sig)
		if err != nil {
			return fmt.Errorf("audit checkpoint: %w", err)
		}
		c.ID, err = res.LastInsertId()
		return err
	})
	return c, err
}

// AuditCheckpoints returns the checkpoints kept in the database, oldest first.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]watch.AuditCheckpoint, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, head_id, head_hash, rows, key, sig FROM audit_checkpoints ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	defer rows.Close()
	var out []watch.AuditCheckpoint
	for rows.Next() {
		var c watch.AuditCheckpoint
		var at string
		if err := rows.Scan(&c.ID, &at, &c.HeadID, &c.HeadHash, &c.Rows, &c.Key, &c.Sig); err != nil {
			return nil, fmt.Errorf("audit checkpoints: %w", err)
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CheckAudit walks the whole chain and holds each checkpoint against the
// rows: the first row whose hash does not follow (edited or removed), a
// checkpoint that counts more rows than there are or whose head row is
// gone (truncated), and one whose head hash is not the hash of the row at
// its count although the chain holds (rewritten, hashes recomputed).
// Signatures are the caller's to check. Of many checkpoints that fail the
// same way, the oldest is reported, with how many more did.
func (s *Store) CheckAudit(ctx context.Context, cps []watch.AuditCheckpoint) (watch.AuditReport, error) {
	type head struct {
		id   int64
		hash string
	}
	prunes, err := s.AuditPrunes(ctx)
	if err != nil {
		return watch.AuditReport{}, err
	}
	// rows removed by the log's retention: the chain now starts from the
	// last removed row's hash, and row numbers count the removed rows
	r := watch.AuditReport{Checkpoints: len(cps), Prunes: prunes}
	prev, removedThrough := "", int64(0)
	for _, p := range prunes {
		r.Removed += p.Rows
		prev, removedThrough = p.ThroughHash, p.ThroughID
	}
	r.Findings = append(r.Findings, pruneFindings(prunes, cps)...)
	want := map[int64]*head{} // by row count
	heads := map[int64]bool{} // the checkpoints' head ids: found?
	for _, c := range cps {
		if c.Rows > 0 && c.HeadID > removedThrough { // else its head was removed: pruneFindings judged it
			want[c.Rows] = nil
			heads[c.HeadID] = false
		}
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, actor, action, target, detail, prev_hash, hash FROM audit ORDER BY id`)
	if err != nil {
		return watch.AuditReport{}, fmt.Errorf("check audit: %w", err)
	}
	defer rows.Close()
	brokenAt := int64(0) // the count at which the chain first broke; 0: it holds
	r.Rows = r.Removed
	for rows.Next() {
		var e watch.AuditEntry
		var at, p string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail, &p, &e.Hash); err != nil {
			return r, fmt.Errorf("check audit: %w", err)
		}
		r.Rows++
		e.At = parseTime(at)
		if brokenAt == 0 && (p != prev || auditHash(prev, e) != e.Hash) {
			brokenAt = r.Rows
			r.Findings = append(r.Findings, watch.AuditFinding{Kind: watch.AuditBroken, Row: e.ID,
				Message: fmt.Sprintf("row %d does not follow the chain: it, or the row before it, was edited or removed", e.ID)})
		}
		if _, ok := want[r.Rows]; ok {
			want[r.Rows] = &head{e.ID, e.Hash}
		}
		if _, ok := heads[e.ID]; ok {
			heads[e.ID] = true
		}
		prev, r.HeadID, r.HeadHash = e.Hash, e.ID, e.Hash
	}
	if err := rows.Err(); err != nil {
		return r, fmt.Errorf("check audit: %w", err)
	}
	var truncated, rewritten []watch.AuditCheckpoint
	for _, c := range cps {
		if c.Rows == 0 || c.HeadID <= removedThrough {
			continue
		}
		h := want[c.Rows]
		switch {
		case h == nil || !heads[c.HeadID]:
			truncated = append(truncated, c)
		case h.hash != c.HeadHash && (brokenAt == 0 || brokenAt > c.Rows):
			rewritten = append(rewritten, c)
		}
	}
	if len(truncated) > 0 {
		c := truncated[0]
		r.Findings = append(r.Findings, watch.AuditFinding{Kind: watch.AuditTruncated, Checkpoint: &c,
			Message: fmt.Sprintf("truncated: the checkpoint of %s counts %d rows up to row %d; the log has %d rows%s",
				c.At.Format("2006-01-02T15:04:05Z07:00"), c.Rows, c.HeadID, r.Rows, more(len(truncated)-1))})
	}
	if len(rewritten) > 0 {
		c := rewritten[0]
		row := want[c.Rows].id
		r.Findings = append(r.Findings, watch.AuditFinding{Kind: watch.AuditRewritten, Row: row, Checkpoint: &c,
			Message: fmt.Sprintf("rewritten: the chain holds, but row %d (row number %d) is not the row the checkpoint of %s signed: a row up to it was changed and the hashes after it recomputed%s",
				row, c.Rows, c.At.Format("2006-01-02T15:04:05Z07:00"), more(len(rewritten)-1))})
	}
	return r, nil
}

func more(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d later checkpoints)", n)
}
