package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// ProposeDraft keeps a draft unless its event was proposed before
// (whatever became of it); it reports whether the draft is new.
func (s *Store) ProposeDraft(ctx context.Context, d watch.Draft) (bool, error) {
	var added bool
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `INSERT OR IGNORE INTO drafts(fingerprint, source, list, url, title, text, location, event_start, event_end, found, state)
			VALUES(?,?,?,?,?,?,?,?,?,?,?)`, d.Fingerprint, d.Source, d.List, d.URL, d.Title, d.Text, d.Location,
			fmtTime(d.EventStart), fmtTime(d.EventEnd), fmtTime(t.now), watch.DraftProposed)
		if err != nil {
			return fmt.Errorf("propose draft: %w", err)
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	return added, err
}

const draftCols = `id, fingerprint, source, list, url, title, text, location, event_start, event_end, found, state, decided_by, decided_at, operation`

func scanDraft(sc interface{ Scan(...any) error }) (watch.Draft, error) {
	var d watch.Draft
	var start, end, found, decided string
	err := sc.Scan(&d.ID, &d.Fingerprint, &d.Source, &d.List, &d.URL, &d.Title, &d.Text, &d.Location, &start, &end, &found,
		&d.State, &d.DecidedBy, &decided, &d.Operation)
	d.EventStart, d.EventEnd, d.Found, d.DecidedAt = parseTime(start), parseTime(end), parseTime(found), parseTime(decided)
	return d, err
}

// Drafts returns the drafts in a state, newest first, at most limit.
func (s *Store) Drafts(ctx context.Context, state string, limit int) ([]watch.Draft, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+draftCols+` FROM drafts WHERE state = ? ORDER BY id DESC LIMIT ?`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	defer rows.Close()
	out := []watch.Draft{}
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DraftByID returns one draft.
func (s *Store) DraftByID(ctx context.Context, id int64) (watch.Draft, error) {
	d, err := scanDraft(s.r.QueryRowContext(ctx, `SELECT `+draftCols+` FROM drafts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("draft %d: %w", id, ErrNotFound)
	}
	return d, err
}

// AcceptDraft records that a proposed draft became an operation; audited.
func (s *Store) AcceptDraft(ctx context.Context, id int64, operation, by string) error {
	return s.decideDraft(ctx, id, watch.DraftAccepted, operation, by, "")
}

// DismissDraft records that an analyst turned a draft down; audited.
func (s *Store) DismissDraft(ctx context.Context, id int64, by, reason string) error {
	return s.decideDraft(ctx, id, watch.DraftDismissed, "", by, reason)
}

func (s *Store) decideDraft(ctx context.Context, id int64, state, operation, by, reason string) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE drafts SET state = ?, decided_by = ?, decided_at = ?, operation = ? WHERE id = ? AND state = ?`,
			state, by, fmtTime(t.now), operation, id, watch.DraftProposed)
		if err != nil {
			return fmt.Errorf("decide draft %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("draft %d is not waiting for a decision: %w", id, ErrNotFound)
		}
		detail := "operation=" + operation
		if state == watch.DraftDismissed {
			detail = "reason=" + reason
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "draft_" + state, Target: fmt.Sprintf("draft:%d", id), Detail: detail})
	})
}
