package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
)

// The evidence tables' SQL. Every act on a capture appends its custody
// entry and its audit entry in the same transaction (see evidence.Store).

// AddCapture stores a capture with its artefacts, the first entry of its
// custody log (act) and the audit entry, in one transaction.
func (s *Store) AddCapture(ctx context.Context, c evidence.Capture, act evidence.Act) (evidence.Capture, error) {
	err := s.write(ctx, func(t *tx) error {
		meta, err := json.Marshal(c)
		if err != nil {
			return err
		}
		var hit any
		if c.HitID != 0 {
			hit = c.HitID
		}
		res, err := t.ExecContext(ctx, `INSERT INTO evidence_captures(url, final_url, status, ip, captured_at, captured_by, tool, hit_id, operation, note, meta)
			VALUES(?,?,?,?,?,?,?,?,?,?,?)`, c.URL, c.FinalURL, c.Status, c.IP, fmtTime(c.CapturedAt), c.CapturedBy, c.Tool, hit, c.Operation, c.Note, string(meta))
		if err != nil {
			return fmt.Errorf("add capture: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, a := range c.Artefacts {
			if _, err := t.ExecContext(ctx, `INSERT INTO evidence_artefacts(capture_id, kind, sha256, size, media_type) VALUES(?,?,?,?,?)`,
				c.ID, a.Kind, a.SHA256, a.Size, a.MediaType); err != nil {
				return fmt.Errorf("add capture artefact %s: %w", a.Kind, err)
			}
		}
		return t.custody(ctx, c.ID, act)
	})
	return c, err
}

// custody appends act to a capture's log and the matching audit entry.
func (t *tx) custody(ctx context.Context, captureID int64, act evidence.Act) error {
	e := evidence.CustodyEntry{CaptureID: captureID, At: act.At.UTC(), Actor: act.Actor, Action: act.Action, Detail: act.Detail}
	if e.Detail == nil {
		e.Detail = map[string]string{}
	}
	err := t.QueryRowContext(ctx, `SELECT seq, hash FROM evidence_custody WHERE capture_id = ? ORDER BY seq DESC LIMIT 1`, captureID).
		Scan(&e.Seq, &e.PrevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("custody of capture %d: %w", captureID, err)
	}
	e.Seq++
	e.Hash = evidence.ChainHash(e.PrevHash, e)
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return err
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO evidence_custody(capture_id, seq, at, actor, action, detail, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?)`,
		captureID, e.Seq, e.At.Format(time.RFC3339Nano), e.Actor, e.Action, string(detail), e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("custody of capture %d: %w", captureID, err)
	}
	return t.audit(ctx, watch.AuditEntry{Actor: act.Actor, Action: "evidence_" + act.Action,
		Target: fmt.Sprintf("capture:%d", captureID), Detail: auditDetail(e)})
}

func auditDetail(e evidence.CustodyEntry) string {
	parts := []string{fmt.Sprintf("custody_seq=%d custody_hash=%s", e.Seq, e.Hash)}
	for _, k := range slices.Sorted(maps.Keys(e.Detail)) {
		parts = append(parts, k+"="+e.Detail[k])
	}
	return strings.Join(parts, " ")
}

// AppendCustody records one act on each of the captures, with an audit
// entry each, in one transaction.
func (s *Store) AppendCustody(ctx context.Context, captureIDs []int64, act evidence.Act) error {
	return s.write(ctx, func(t *tx) error {
		for _, id := range captureIDs {
			if err := t.custody(ctx, id, act); err != nil {
				return err
			}
		}
		return nil
	})
}

// EvidenceCapture returns one capture.
func (s *Store) EvidenceCapture(ctx context.Context, id int64) (evidence.Capture, error) {
	var c evidence.Capture
	var meta string
	err := s.r.QueryRowContext(ctx, `SELECT meta FROM evidence_captures WHERE id = ?`, id).Scan(&meta)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("capture %d: %w", id, evidence.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("capture %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(meta), &c); err != nil {
		return c, fmt.Errorf("capture %d: %w", id, err)
	}
	c.ID = id
	return c, nil
}

// Custody returns a capture's custody log, first entry first.
func (s *Store) Custody(ctx context.Context, captureID int64) ([]evidence.CustodyEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, at, actor, action, detail, prev_hash, hash FROM evidence_custody WHERE capture_id = ? ORDER BY seq`, captureID)
	if err != nil {
		return nil, fmt.Errorf("custody of capture %d: %w", captureID, err)
	}
	defer rows.Close()
	var out []evidence.CustodyEntry
	for rows.Next() {
		e := evidence.CustodyEntry{CaptureID: captureID}
		var at, detail string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("custody of capture %d: entry %d: %w", captureID, e.Seq, err)
		}
		if err := json.Unmarshal([]byte(detail), &e.Detail); err != nil {
			return nil, fmt.Errorf("custody of capture %d: entry %d: %w", captureID, e.Seq, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OpenCase stores a new open case, audited.
func (s *Store) OpenCase(ctx context.Context, c evidence.Case) (evidence.Case, error) {
	err := s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `INSERT INTO evidence_cases(reference, officer, purpose, operation, tasking, opened_at, opened_by) VALUES(?,?,?,?,?,?,?)`,
			c.Reference, c.Officer, c.Purpose, c.Operation, c.Tasking, fmtTime(c.OpenedAt), c.OpenedBy)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return fmt.Errorf("case %q: %w", c.Reference, evidence.ErrExists)
			}
			return fmt.Errorf("open case: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: c.OpenedBy, Action: "evidence_case_open",
			Target: fmt.Sprintf("case:%d", c.ID), Detail: fmt.Sprintf("reference=%s officer=%s operation=%s tasking=%s", c.Reference, c.Officer, c.Operation, c.Tasking)})
	})
	return c, err
}

// CloseCase closes an open case, audited.
func (s *Store) CloseCase(ctx context.Context, id int64, by string, at time.Time) (evidence.Case, error) {
	var c evidence.Case
	err := s.write(ctx, func(t *tx) error {
		var err error
		if c, err = caseByID(ctx, t, id); err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("case %s: %w", c.Reference, evidence.ErrClosed)
		}
		c.ClosedAt, c.ClosedBy = at.UTC(), by
		if _, err := t.ExecContext(ctx, `UPDATE evidence_cases SET closed_at = ?, closed_by = ? WHERE id = ?`, fmtTime(c.ClosedAt), by, id); err != nil {
			return fmt.Errorf("close case %d: %w", id, err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "evidence_case_close", Target: fmt.Sprintf("case:%d", id), Detail: "reference=" + c.Reference})
	})
	return c, err
}

// EvidenceCase returns one case.
func (s *Store) EvidenceCase(ctx context.Context, id int64) (evidence.Case, error) {
	return caseByID(ctx, s.r, id)
}

type queryRower interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const caseColumns = `id, reference, officer, purpose, operation, tasking, opened_at, opened_by, closed_at, closed_by`

func caseByID(ctx context.Context, q queryRower, id int64) (evidence.Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM evidence_cases WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("case %d: %w", id, evidence.ErrNotFound)
	}
	return c, err
}

func scanCase(row interface{ Scan(...any) error }) (evidence.Case, error) {
	var c evidence.Case
	var opened, closed string
	if err := row.Scan(&c.ID, &c.Reference, &c.Officer, &c.Purpose, &c.Operation, &c.Tasking, &opened, &c.OpenedBy, &closed, &c.ClosedBy); err != nil {
		return c, err
	}
	c.OpenedAt, c.ClosedAt = parseTime(opened), parseTime(closed)
	return c, nil
}

// EvidenceCases lists every case, newest first.
func (s *Store) EvidenceCases(ctx context.Context) ([]evidence.Case, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM evidence_cases ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	defer rows.Close()
	out := []evidence.Case{}
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddExhibit makes a capture an exhibit of an open case, numbered after
// the producer's last exhibit in that case ("JS/3"), with its custody and
// audit entries, in one transaction.
func (s *Store) AddExhibit(ctx context.Context, e evidence.Exhibit, initials string, act evidence.Act) (evidence.Exhibit, error) {
	err := s.write(ctx, func(t *tx) error {
		c, err := caseByID(ctx, t, e.CaseID)
		if err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("case %s: %w", c.Reference, evidence.ErrClosed)
		}
		var inCase int64
		err = t.QueryRowContext(ctx, `SELECT case_id FROM evidence_exhibits WHERE capture_id = ?`, e.CaptureID).Scan(&inCase)
		if err == nil {
			return fmt.Errorf("capture %d is already an exhibit (case %d): %w", e.CaptureID, inCase, evidence.ErrExists)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("add exhibit: %w", err)
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM evidence_exhibits WHERE case_id = ? AND initials = ?`, e.CaseID, initials).Scan(&n); err != nil {
			return fmt.Errorf("add exhibit: %w", err)
		}
		e.Reference = fmt.Sprintf("%s/%d", initials, n)
		e.AddedAt = act.At.UTC()
		e.AddedBy = act.Actor
		res, err := t.ExecContext(ctx, `INSERT INTO evidence_exhibits(case_id, capture_id, initials, number, reference, producer, description, added_at, added_by, retention)
			VALUES(?,?,?,?,?,?,?,?,?,?)`, e.CaseID, e.CaptureID, initials, n, e.Reference, e.Producer, e.Description, fmtTime(e.AddedAt), e.AddedBy, e.Retention)
		if err != nil {
			if strings.Contains(err.Error(), "FOREIGN KEY") {
				return fmt.Errorf("capture %d: %w", e.CaptureID, evidence.ErrNotFound)
			}
			return fmt.Errorf("add exhibit: %w", err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if act.Detail == nil {
			act.Detail = map[string]string{}
		}
		act.Detail["case"] = c.Reference
		act.Detail["exhibit"] = e.Reference
		return t.custody(ctx, e.CaptureID, act)
	})
	return e, err
}

const exhibitColumns = `id, case_id, capture_id, reference, producer, description, added_at, added_by, retention`

func scanExhibit(row interface{ Scan(...any) error }) (evidence.Exhibit, error) {
	var e evidence.Exhibit
	var added string
	if err := row.Scan(&e.ID, &e.CaseID, &e.CaptureID, &e.Reference, &e.Producer, &e.Description, &added, &e.AddedBy, &e.Retention); err != nil {
		return e, err
	}
	e.AddedAt = parseTime(added)
	return e, nil
}

// Exhibits lists a case's exhibits in the order they were added.
func (s *Store) Exhibits(ctx context.Context, caseID int64) ([]evidence.Exhibit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+exhibitColumns+` FROM evidence_exhibits WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("exhibits of case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []evidence.Exhibit{}
	for rows.Next() {
		e, err := scanExhibit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Exhibit returns one exhibit.
func (s *Store) Exhibit(ctx context.Context, id int64) (evidence.Exhibit, error) {
	e, err := scanExhibit(s.r.QueryRowContext(ctx, `SELECT `+exhibitColumns+` FROM evidence_exhibits WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("exhibit %d: %w", id, evidence.ErrNotFound)
	}
	return e, err
}

// SetRetention changes an exhibit's retention class, with its custody and
// audit entries, in one transaction.
func (s *Store) SetRetention(ctx context.Context, exhibitID int64, class string, act evidence.Act) error {
	return s.write(ctx, func(t *tx) error {
		var captureID int64
		var old string
		err := t.QueryRowContext(ctx, `SELECT capture_id, retention FROM evidence_exhibits WHERE id = ?`, exhibitID).Scan(&captureID, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("exhibit %d: %w", exhibitID, evidence.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("exhibit %d: %w", exhibitID, err)
		}
		if _, err := t.ExecContext(ctx, `UPDATE evidence_exhibits SET retention = ? WHERE id = ?`, class, exhibitID); err != nil {
			return fmt.Errorf("exhibit %d retention: %w", exhibitID, err)
		}
		if act.Detail == nil {
			act.Detail = map[string]string{}
		}
		act.Detail["from"], act.Detail["to"] = old, class
		return t.custody(ctx, captureID, act)
	})
}

// PruneCaptures deletes the captures made before cut that are no exhibit
// (an exhibit's capture is never deleted: the schema refuses it), with
// their artefact rows and custody logs, audited as done by the system. It
// returns the SHA-256 of each artefact no capture refers to any more, for
// the caller to remove from the blob directory.
func (s *Store) PruneCaptures(ctx context.Context, cut time.Time) (deleted int64, orphans []string, err error) {
	err = s.write(ctx, func(t *tx) error {
		const doomed = `SELECT id FROM evidence_captures WHERE captured_at < ? AND id NOT IN (SELECT capture_id FROM evidence_exhibits)`
		rows, err := t.QueryContext(ctx, `SELECT DISTINCT sha256 FROM evidence_artefacts WHERE capture_id IN (`+doomed+`)`, fmtTime(cut))
		if err != nil {
			return fmt.Errorf("prune captures: %w", err)
		}
		var shas []string
		for rows.Next() {
			var sha string
			if err := rows.Scan(&sha); err != nil {
				rows.Close()
				return err
			}
			shas = append(shas, sha)
		}
		rows.Close()
		res, err := t.ExecContext(ctx, `DELETE FROM evidence_captures WHERE id IN (`+doomed+`)`, fmtTime(cut))
		if err != nil {
			return fmt.Errorf("prune captures: %w", err)
		}
		if deleted, _ = res.RowsAffected(); deleted == 0 {
			return nil
		}
		for _, sha := range shas {
			var n int
			if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM evidence_artefacts WHERE sha256 = ?`, sha).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				orphans = append(orphans, sha)
			}
		}
		return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "retention_delete", Target: "evidence_captures",
			Detail: fmt.Sprintf("captured_before=%s captures=%d files=%d", fmtTime(cut), deleted, len(orphans))})
	})
	return deleted, orphans, err
}
