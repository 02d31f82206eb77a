package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

const referralColumns = `id, platform, url, category, reference, outcome, outcome_at, note, hit_id, capture_id, operation,
	at, by, due_at, updated_at, updated_by, observed, observed_at, observed_detail`

func scanReferral(row interface{ Scan(...any) error }) (watch.Referral, error) {
	var r watch.Referral
	var outcomeAt, at, due, updated, observedAt string
	var hit, capture sql.NullInt64
	err := row.Scan(&r.ID, &r.Platform, &r.URL, &r.Category, &r.Reference, &r.Outcome, &outcomeAt, &r.Note, &hit, &capture, &r.Operation,
		&at, &r.By, &due, &updated, &r.UpdatedBy, &r.Observed, &observedAt, &r.ObservedDetail)
	if err != nil {
		return r, err
	}
	r.HitID, r.CaptureID = hit.Int64, capture.Int64
	r.OutcomeAt, r.At, r.DueAt, r.UpdatedAt, r.ObservedAt = parseTime(outcomeAt), parseTime(at), parseTime(due), parseTime(updated), parseTime(observedAt)
	return r, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func referralOps(r watch.Referral) []string {
	if r.Operation == "" {
		return nil
	}
	return []string{r.Operation}
}

// referralEvent is the data of a referral timeline event.
type referralEvent struct {
	Event    string         `json:"event"` // referred, changed, observed
	Referral watch.Referral `json:"referral"`
	By       string         `json:"by"`
}

// AddReferral records a new referral made at the store's clock, with its
// first change ("created"), its audit entry and a "referral" timeline
// event, in one transaction. r.DueAt is kept as given; At, UpdatedAt and
// UpdatedBy are set here.
func (s *Store) AddReferral(ctx context.Context, r watch.Referral) (watch.Referral, error) {
	err := s.write(ctx, func(t *tx) error {
		r.At, r.UpdatedAt, r.UpdatedBy = t.now, t.now, r.By
		if r.Outcome == "" {
			r.Outcome = watch.OutcomePending
		}
		if r.Outcome != watch.OutcomePending {
			r.OutcomeAt = t.now
		}
		res, err := t.ExecContext(ctx, `INSERT INTO referrals(platform, url, category, reference, outcome, outcome_at, note, hit_id, capture_id, operation,
			at, by, due_at, updated_at, updated_by, observed, observed_at, observed_detail) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'','','')`,
			r.Platform, r.URL, r.Category, r.Reference, r.Outcome, fmtTime(r.OutcomeAt), r.Note, nullID(r.HitID), nullID(r.CaptureID), r.Operation,
			fmtTime(r.At), r.By, fmtTime(r.DueAt), fmtTime(r.UpdatedAt), r.UpdatedBy)
		if err != nil {
			return fmt.Errorf("add referral: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := t.referralChange(ctx, watch.ReferralChange{ReferralID: r.ID, By: r.By, Field: "created", New: r.Platform + " " + r.URL}); err != nil {
			return err
		}
		return t.referralLogged(ctx, r, "referred", "referral_add", r.By)
	})
	return r, err
}

func (t *tx) referralChange(ctx context.Context, c watch.ReferralChange) error {
	_, err := t.ExecContext(ctx, `INSERT INTO referral_changes(referral_id, at, by, field, old, new) VALUES(?,?,?,?,?,?)`,
		c.ReferralID, fmtTime(t.now), c.By, c.Field, c.Old, c.New)
	if err != nil {
		return fmt.Errorf("referral %d change: %w", c.ReferralID, err)
	}
	return nil
}

// referralLogged appends the timeline event and the audit entry of a
// referral's act.
func (t *tx) referralLogged(ctx context.Context, r watch.Referral, event, action, by string) error {
	if _, err := t.appendEvent(ctx, watch.EventReferral, referralOps(r), referralEvent{Event: event, Referral: r, By: by}); err != nil {
		return err
	}
	detail, _ := json.Marshal(r)
	return t.audit(ctx, watch.AuditEntry{Actor: by, Action: action, Target: fmt.Sprintf("referral:%d", r.ID), Detail: string(detail)})
}

// UpdateReferral applies change to the stored referral and records, in one
// transaction, a change row for each field it altered (outcome,
// reference, category, note), the audit entry and a timeline event. A
// change that alters nothing writes nothing. The outcome's time is the
// store's clock whenever the outcome changes.
func (s *Store) UpdateReferral(ctx context.Context, id int64, by string, change func(r *watch.Referral) error) (watch.Referral, error) {
	var out watch.Referral
	err := s.write(ctx, func(t *tx) error {
		old, err := scanReferral(t.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("referral %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("referral %d: %w", id, err)
		}
		r := old
		if err := change(&r); err != nil {
			return err
		}
		fields := []struct{ name, old, new string }{
			{"outcome", old.Outcome, r.Outcome}, {"reference", old.Reference, r.Reference},
			{"category", old.Category, r.Category}, {"note", old.Note, r.Note},
		}
		changed := false
		for _, f := range fields {
			if f.old == f.new {
				continue
			}
			changed = true
			if err := t.referralChange(ctx, watch.ReferralChange{ReferralID: id, By: by, Field: f.name, Old: f.old, New: f.new}); err != nil {
				return err
			}
		}
		if !changed {
			out = old
			return nil
		}
		if r.Outcome != old.Outcome {
			r.OutcomeAt = t.now
			if r.Outcome == watch.OutcomePending {
				r.OutcomeAt = old.OutcomeAt
			}
		}
		r.UpdatedAt, r.UpdatedBy = t.now, by
		if _, err := t.ExecContext(ctx, `UPDATE referrals SET outcome=?, outcome_at=?, reference=?, category=?, note=?, updated_at=?, updated_by=? WHERE id=?`,
			r.Outcome, fmtTime(r.OutcomeAt), r.Reference, r.Category, r.Note, fmtTime(r.UpdatedAt), r.UpdatedBy, id); err != nil {
			return fmt.Errorf("update referral %d: %w", id, err)
		}
		out = r
		return t.referralLogged(ctx, r, "changed", "referral_change", by)
	})
	return out, err
}

// AddReferralObservation keeps what a removal check saw and sets it as the
// referral's last observation (never its outcome), with a timeline event.
func (s *Store) AddReferralObservation(ctx context.Context, o watch.ReferralObservation) (watch.Referral, error) {
	var out watch.Referral
	err := s.write(ctx, func(t *tx) error {
		if o.At.IsZero() {
			o.At = t.now
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO referral_observations(referral_id, at, observed, status, detail) VALUES(?,?,?,?,?)`,
			o.ReferralID, fmtTime(o.At), o.Observed, o.Status, o.Detail); err != nil {
			return fmt.Errorf("referral %d observation: %w", o.ReferralID, err)
		}
		res, err := t.ExecContext(ctx, `UPDATE referrals SET observed=?, observed_at=?, observed_detail=? WHERE id=?`,
			o.Observed, fmtTime(o.At), o.Detail, o.ReferralID)
		if err != nil {
			return fmt.Errorf("referral %d observation: %w", o.ReferralID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("referral %d: %w", o.ReferralID, ErrNotFound)
		}
		if out, err = scanReferral(t.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = ?`, o.ReferralID)); err != nil {
			return err
		}
		_, err = t.appendEvent(ctx, watch.EventReferral, referralOps(out), referralEvent{Event: "observed", Referral: out, By: "system"})
		return err
	})
	return out, err
}

// Referral returns one referral.
func (s *Store) Referral(ctx context.Context, id int64) (watch.Referral, error) {
	r, err := scanReferral(s.r.QueryRowContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("referral %d: %w", id, ErrNotFound)
	}
	return r, err
}

// Referrals returns the referrals the filter lets through, newest first.
func (s *Store) Referrals(ctx context.Context, f watch.ReferralFilter) ([]watch.Referral, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Platform != "" {
		add("platform = ?", f.Platform)
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	if f.Operation != "" {
		add("operation = ?", f.Operation)
	}
	if !f.From.IsZero() {
		add("at >= ?", fmtTime(f.From))
	}
	if !f.To.IsZero() {
		add("at < ?", fmtTime(f.To))
	}
	q := `SELECT ` + referralColumns + ` FROM referrals`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY at DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("referrals: %w", err)
	}
	return collectReferrals(rows)
}

// PendingReferrals returns the referrals still without an outcome, oldest first.
func (s *Store) PendingReferrals(ctx context.Context) ([]watch.Referral, error) {
	rs, err := s.Referrals(ctx, watch.ReferralFilter{Outcome: watch.OutcomePending})
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return rs, err
}

// ReferralChanges returns a referral's changes, oldest first.
func (s *Store) ReferralChanges(ctx context.Context, id int64) ([]watch.ReferralChange, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT referral_id, at, by, field, old, new FROM referral_changes WHERE referral_id = ? ORDER BY rowid`, id)
	if err != nil {
		return nil, fmt.Errorf("referral %d changes: %w", id, err)
	}
	defer rows.Close()
	var out []watch.ReferralChange
	for rows.Next() {
		var c watch.ReferralChange
		var at string
		if err := rows.Scan(&c.ReferralID, &at, &c.By, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReferralObservations returns the removal checks' observations of the
// given referrals, by referral, oldest first.
func (s *Store) ReferralObservations(ctx context.Context, ids []int64) (map[int64][]watch.ReferralObservation, error) {
	out := map[int64][]watch.ReferralObservation{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT referral_id, at, observed, status, detail FROM referral_observations
		WHERE referral_id IN (`+strings.Repeat("?,", len(ids)-1)+`?) ORDER BY referral_id, at, rowid`, args...)
	if err != nil {
		return nil, fmt.Errorf("referral observations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o watch.ReferralObservation
		var at string
		if err := rows.Scan(&o.ReferralID, &at, &o.Observed, &o.Status, &o.Detail); err != nil {
			return nil, err
		}
		o.At = parseTime(at)
		out[o.ReferralID] = append(out[o.ReferralID], o)
	}
	return out, rows.Err()
}

// CaptureOf returns the newest evidence capture of a hit or of a URL (as
// asked for, or where it ended after redirects); ErrNotFound when there is
// none.
func (s *Store) CaptureOf(ctx context.Context, hitID int64, url string) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `SELECT id FROM evidence_captures WHERE (hit_id = ? AND ? > 0) OR url = ? OR final_url = ? ORDER BY id DESC LIMIT 1`,
		hitID, hitID, url, url).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// ReferralsOfHits returns the newest referral of each of the given hits
// that has one.
func (s *Store) ReferralsOfHits(ctx context.Context, hitIDs []int64) ([]watch.Referral, error) {
	if len(hitIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(hitIDs))
	for i, id := range hitIDs {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+referralColumns+` FROM referrals WHERE id IN (SELECT MAX(id) FROM referrals
		WHERE hit_id IN (`+strings.Repeat("?,", len(hitIDs)-1)+`?) GROUP BY hit_id) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("referrals of hits: %w", err)
	}
	return collectReferrals(rows)
}

// collectReferrals reads every referral of rows and closes them.
func collectReferrals(rows *sql.Rows) ([]watch.Referral, error) {
	defer rows.Close()
	var out []watch.Referral
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
