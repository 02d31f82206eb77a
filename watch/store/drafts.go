package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Draft states.
const (
	DraftProposed  = "proposed"
	DraftAccepted  = "accepted"
	DraftDismissed = "dismissed"
)

// Draft is an event found by a calendar source or an event-discovery watch
// list, proposed as an operation for an analyst to accept or dismiss. Its
// text comes from a source: it is hostile, shown only as text.
type Draft struct {
	ID          int64     `json:"id"`
	Fingerprint string    `json:"fingerprint"` // the event's identity: the same event is proposed once
	Source      string    `json:"source"`
	List        string    `json:"list"` // the event-discovery list; "" for a calendar event
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Location    string    `json:"location"`
	EventStart  time.Time `json:"event_start,omitzero"`
	EventEnd    time.Time `json:"event_end,omitzero"`
	Found       time.Time `json:"found"`
	State       string    `json:"state"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Operation   string    `json:"operation,omitempty"` // the operation an accepted draft became
}

// ProposeDraft keeps a draft unless its event was proposed before
// (whatever became of it); it reports whether the draft is new.
func (s *Store) ProposeDraft(ctx context.Context, d Draft) (bool, error) {
	var added bool
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `INSERT OR IGNORE INTO drafts(fingerprint, source, list, url, title, text, location, event_start, event_end, found, state)
			VALUES(?,?,?,?,?,?,?,?,?,?,?)`, d.Fingerprint, d.Source, d.List, d.URL, d.Title, d.Text, d.Location,
			fmtTime(d.EventStart), fmtTime(d.EventEnd), fmtTime(t.now), DraftProposed)
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

func scanDraft(sc interface{ Scan(...any) error }) (Draft, error) {
	var d Draft
	var start, end, found, decided string
	err := sc.Scan(&d.ID, &d.Fingerprint, &d.Source, &d.List, &d.URL, &d.Title, &d.Text, &d.Location, &start, &end, &found,
		&d.State, &d.DecidedBy, &decided, &d.Operation)
	d.EventStart, d.EventEnd, d.Found, d.DecidedAt = parseTime(start), parseTime(end), parseTime(found), parseTime(decided)
	return d, err
}

// Drafts returns the drafts in a state, newest first, at most limit.
func (s *Store) Drafts(ctx context.Context, state string, limit int) ([]Draft, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+draftCols+` FROM drafts WHERE state = ? ORDER BY id DESC LIMIT ?`, state, limit)
	if err != nil {
		return nil, fmt.Errorf("drafts: %w", err)
	}
	defer rows.Close()
	out := []Draft{}
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
func (s *Store) DraftByID(ctx context.Context, id int64) (Draft, error) {
	d, err := scanDraft(s.r.QueryRowContext(ctx, `SELECT `+draftCols+` FROM drafts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("draft %d: %w", id, ErrNotFound)
	}
	return d, err
}

// AcceptDraft records that a proposed draft became an operation; audited.
func (s *Store) AcceptDraft(ctx context.Context, id int64, operation, by string) error {
	return s.decideDraft(ctx, id, DraftAccepted, operation, by, "")
}

// DismissDraft records that an analyst turned a draft down; audited.
func (s *Store) DismissDraft(ctx context.Context, id int64, by, reason string) error {
	return s.decideDraft(ctx, id, DraftDismissed, "", by, reason)
}

func (s *Store) decideDraft(ctx context.Context, id int64, state, operation, by, reason string) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `UPDATE drafts SET state = ?, decided_by = ?, decided_at = ?, operation = ? WHERE id = ? AND state = ?`,
			state, by, fmtTime(t.now), operation, id, DraftProposed)
		if err != nil {
			return fmt.Errorf("decide draft %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("draft %d is not waiting for a decision: %w", id, ErrNotFound)
		}
		detail := "operation=" + operation
		if state == DraftDismissed {
			detail = "reason=" + reason
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "draft_" + state, Target: fmt.Sprintf("draft:%d", id), Detail: detail})
	})
}
