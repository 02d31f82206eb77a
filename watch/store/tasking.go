package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

// ErrForbidden is returned when a person may not change a request.
var ErrForbidden = errors.New("not allowed")

// RequestEvent is the data of a "request" timeline event: enough for a
// page to show the change, nothing the requester may not see.
type RequestEvent struct {
	ID          int64     `json:"id"`
	Ref         string    `json:"ref"`
	State       string    `json:"state"`
	StateLabel  string    `json:"state_label"`
	Action      string    `json:"action"`
	ActionLabel string    `json:"action_label"`
	By          string    `json:"by"`
	Note        string    `json:"note"`
	Public      bool      `json:"public"`
	At          time.Time `json:"at"`
}

// HistoryEntry is one change of a request, as its history shows it.
type HistoryEntry struct {
	At       time.Time
	Action   tasking.Action
	From, To tasking.State
	By, Note string
	Public   bool
}

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func spansColumn(spans []tasking.Span) string {
	var b strings.Builder
	for i, s := range spans {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.FormatInt(nanos(s.Start), 10))
		b.WriteByte(':')
		if !s.End.IsZero() {
			b.WriteString(strconv.FormatInt(nanos(s.End), 10))
		}
	}
	return b.String()
}

func spansFromColumn(s string) []tasking.Span {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ";")
	out := make([]tasking.Span, 0, len(parts))
	for _, p := range parts {
		a, b, _ := strings.Cut(p, ":")
		start, _ := strconv.ParseInt(a, 10, 64)
		sp := tasking.Span{Start: fromNanos(start)}
		if b != "" {
			end, _ := strconv.ParseInt(b, 10, 64)
			sp.End = fromNanos(end)
		}
		out = append(out, sp)
	}
	return out
}

func productsColumn(p tasking.Products) string {
	var parts []string
	for i, n := range p {
		if n > 0 {
			parts = append(parts, tasking.ProductKinds[i]+":"+strconv.Itoa(n))
		}
	}
	return strings.Join(parts, ",")
}

func productsFromColumn(s string) tasking.Products {
	var p tasking.Products
	for s != "" {
		var part string
		part, s, _ = strings.Cut(s, ",")
		k, v, _ := strings.Cut(part, ":")
		n, _ := strconv.Atoi(v)
		p.Add(k, n)
	}
	return p
}

// putRequest writes a request's row (insert when its id is 0).
func (t *tx) putRequest(ctx context.Context, r *tasking.Request, reports int) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode request: %w", err)
	}
	row := tasking.RowOf(*r, reports)
	args := []any{r.RequesterID, r.Requester, string(r.State), r.Type, r.Team, string(r.Urgency), r.Assignee,
		nanos(r.Submitted), nanos(r.Triaged), nanos(r.Accepted), nanos(r.Completed), nanos(r.Due), spansColumn(r.Spans),
		r.Reopened, r.DeclineReason, productsColumn(row.Products), row.Intelligence, row.Delivered, row.Grading, string(data), fmtTime(r.Updated)}
	if r.ID == 0 {
		res, err := t.ExecContext(ctx, `INSERT INTO requests(requester_id, requester, state, type, team, urgency, assignee, submitted, triaged,
			accepted, completed, due, spans, reopened, decline_reason, products, intelligence, delivered, grading, data, updated, created, rev)
			VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, (SELECT COALESCE(MAX(rev), 0) + 1 FROM requests))`, append(args, fmtTime(r.Created))...)
		if err != nil {
			return fmt.Errorf("insert request: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		// the JSON carries the id too
		return t.putRequest(ctx, r, reports)
	}
	_, err = t.ExecContext(ctx, `UPDATE requests SET requester_id=?, requester=?, state=?, type=?, team=?, urgency=?, assignee=?, submitted=?,
		triaged=?, accepted=?, completed=?, due=?, spans=?, reopened=?, decline_reason=?, products=?, intelligence=?, delivered=?, grading=?,
		data=?, updated=?, rev=(SELECT MAX(rev) + 1 FROM requests) WHERE id=?`, append(args, r.ID)...)
	if err != nil {
		return fmt.Errorf("update request %d: %w", r.ID, err)
	}
	return nil
}

func (t *tx) requestByID(ctx context.Context, id int64) (tasking.Request, error) {
	return scanRequest(t.QueryRowContext(ctx, `SELECT data FROM requests WHERE id = ?`, id), id)
}

func scanRequest(row *sql.Row, id int64) (tasking.Request, error) {
	var data string
	var r tasking.Request
	if err := row.Scan(&data); errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("request %d: %w", id, ErrNotFound)
	} else if err != nil {
		return r, fmt.Errorf("request %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(data), &r); err != nil {
		return r, fmt.Errorf("decode request %d: %w", id, err)
	}
	return r, nil
}

func (t *tx) reports(ctx context.Context, id int64) (int, error) {
	var n int
	err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM request_products WHERE request_id = ?`, id).Scan(&n)
	return n, err
}

// record appends a request's history entry, its timeline event (on its
// requester's board too when public) and its audit entry.
func (t *tx) recordRequest(ctx context.Context, r tasking.Request, from tasking.State, a tasking.Action, by, note string) error {
	public := a.Public()
	if _, err := t.ExecContext(ctx, `INSERT INTO request_history(request_id, at, action, from_state, to_state, by, note, public) VALUES(?,?,?,?,?,?,?,?)`,
		r.ID, fmtTime(t.now), string(a), string(from), string(r.State), by, note, public); err != nil {
		return fmt.Errorf("request history: %w", err)
	}
	boards := []string{watch.BoardTasking}
	if public {
		boards = append(boards, watch.RequesterBoard(r.RequesterID))
	}
	ev := RequestEvent{ID: r.ID, Ref: r.Ref(), State: string(r.State), StateLabel: r.State.Label(), Action: string(a),
		ActionLabel: a.Label(), By: by, Note: note, Public: public, At: t.now}
	if _, err := t.appendEvent(ctx, watch.EventRequest, boards, ev); err != nil {
		return err
	}
	detail, _ := json.Marshal(map[string]any{"from": from, "to": r.State, "note": note})
	return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "request_" + string(a), Target: "request:" + r.Ref(), Detail: string(detail)})
}

// SaveRequestForm keeps what a requester typed: a new draft (ID 0), or a
// draft or a request waiting for their answer changed. With submit it is
// sent to the hub in the same transaction (answering a question sends it
// back to triage). Only the request's requester may save it.
func (s *Store) SaveRequestForm(ctx context.Context, r tasking.Request, submit bool, note string) (tasking.Request, error) {
	err := s.write(ctx, func(t *tx) error {
		from := tasking.StateDraft
		if r.ID == 0 {
			r.State, r.Created = tasking.StateDraft, t.now
		} else {
			old, err := t.requestByID(ctx, r.ID)
			if err != nil {
				return err
			}
			if old.RequesterID != r.RequesterID {
				return fmt.Errorf("request %d: %w", r.ID, ErrForbidden)
			}
			if old.State != tasking.StateDraft && old.State != tasking.StateInfo {
				return fmt.Errorf("edit request %d: %w", r.ID, tasking.ErrState)
			}
			from = old.State
			// keep what the form does not hold
			form := r
			r = old
			r.Type, r.Team, r.Contact, r.Operation, r.EventName, r.EventPlace, r.EventDate = form.Type, form.Team, form.Contact, form.Operation, form.EventName, form.EventPlace, form.EventDate
			r.Urgency, r.NeededBy, r.Asked, r.Why, r.CaseRef = form.Urgency, form.NeededBy, form.Asked, form.Why, form.CaseRef
			r.LawfulBasis, r.AuthorityRef, r.NamesPeople, r.NoAuthorityReason = form.LawfulBasis, form.AuthorityRef, form.NamesPeople, form.NoAuthorityReason
		}
		r.Updated = t.now
		if submit {
			if err := r.Apply(tasking.Decision{Action: tasking.ActSubmit, By: r.Requester, Text: note}, t.now); err != nil {
				return err
			}
		}
		if err := t.putRequest(ctx, &r, 0); err != nil {
			return err
		}
		if !submit {
			return t.audit(ctx, watch.AuditEntry{Actor: r.Requester, Action: "request_draft", Target: "request:" + r.Ref()})
		}
		return t.recordRequest(ctx, r, from, tasking.ActSubmit, r.Requester, note)
	})
	return r, err
}

// DecideRequest takes a decision on a request in one transaction: the
// request as it is now is read, may checks who decides (nil: anyone the
// caller let through), the decision is applied, and the row, its history,
// its timeline event and its audit entry are written together.
func (s *Store) DecideRequest(ctx context.Context, id int64, d tasking.Decision, may func(tasking.Request) error) (tasking.Request, error) {
	var r tasking.Request
	err := s.write(ctx, func(t *tx) error {
		var err error
		if r, err = t.requestByID(ctx, id); err != nil {
			return err
		}
		if may != nil {
			if err := may(r); err != nil {
				return err
			}
		}
		if d.Action == tasking.ActMerge {
			into, err := t.requestByID(ctx, d.Into)
			if errors.Is(err, ErrNotFound) {
				return tasking.Problems{{Field: "into", Message: "there is no request " + tasking.Ref(d.Into)}}
			} else if err != nil {
				return err
			}
			if into.State == tasking.StateMerged || into.State == tasking.StateDraft {
				return tasking.Problems{{Field: "into", Message: "merge into a request that is not itself merged or a draft"}}
			}
		}
		from := r.State
		if err := r.Apply(d, t.now); err != nil {
			return err
		}
		n, err := t.reports(ctx, id)
		if err != nil {
			return err
		}
		if err := t.putRequest(ctx, &r, n); err != nil {
			return err
		}
		return t.recordRequest(ctx, r, from, d.Action, d.By, decisionNote(d))
	})
	return r, err
}

// decisionNote is the line the history and the requester's board show.
func decisionNote(d tasking.Decision) string {
	switch d.Action {
	case tasking.ActAccept, tasking.ActAssign:
		return fmt.Sprintf("priority %s, assigned to %s, due %s", d.Priority, strings.TrimSpace(d.Assignee), d.Due.UTC().Format("2 Jan 2006"))
	case tasking.ActDecline, tasking.ActAskInfo, tasking.ActReopen, tasking.ActSubmit:
		return strings.TrimSpace(d.Text)
	case tasking.ActMerge:
		return "duplicate of " + tasking.Ref(d.Into)
	case tasking.ActLink:
		return d.Link.Kind + " " + strings.TrimSpace(d.Link.Ref)
	case tasking.ActClose:
		return fmt.Sprintf("%d intelligence report(s), %d product(s) delivered", d.Outcome.Intelligence, d.Outcome.Delivered)
	}
	return ""
}

// AddProduct stores a new version of a request's intelligence product
// (immutable, with its SHA-256), with its history, event and audit entry.
func (s *Store) AddProduct(ctx context.Context, id int64, title, text, by string) (tasking.Product, error) {
	p := tasking.Product{RequestID: id, Title: title, Text: text, By: by}
	sum := sha256.Sum256([]byte(text))
	p.SHA256 = hex.EncodeToString(sum[:])
	err := s.write(ctx, func(t *tx) error {
		r, err := t.requestByID(ctx, id)
		if err != nil {
			return err
		}
		if err := r.Apply(tasking.Decision{Action: tasking.ActProduct, By: by}, t.now); err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM request_products WHERE request_id = ?`, id).Scan(&p.Version); err != nil {
			return err
		}
		p.At = t.now
		if _, err := t.ExecContext(ctx, `INSERT INTO request_products(request_id, version, title, text, sha256, by, at) VALUES(?,?,?,?,?,?,?)`,
			id, p.Version, title, text, p.SHA256, by, fmtTime(t.now)); err != nil {
			return fmt.Errorf("add product: %w", err)
		}
		if err := t.putRequest(ctx, &r, p.Version); err != nil {
			return err
		}
		return t.recordRequest(ctx, r, r.State, tasking.ActProduct, by, fmt.Sprintf("version %d, SHA-256 %s", p.Version, p.SHA256))
	})
	return p, err
}

// ReleaseProduct shows a product version to the requester.
func (s *Store) ReleaseProduct(ctx context.Context, id int64, version int, by string) error {
	return s.write(ctx, func(t *tx) error {
		r, err := t.requestByID(ctx, id)
		if err != nil {
			return err
		}
		if err := r.Apply(tasking.Decision{Action: tasking.ActRelease, By: by}, t.now); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE request_products SET released = 1 WHERE request_id = ? AND version = ? AND released = 0`, id, version)
		if err != nil {
			return fmt.Errorf("release product: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("product %d of %s: %w", version, r.Ref(), ErrNotFound)
		}
		n, err := t.reports(ctx, id)
		if err != nil {
			return err
		}
		if err := t.putRequest(ctx, &r, n); err != nil {
			return err
		}
		return t.recordRequest(ctx, r, r.State, tasking.ActRelease, by, fmt.Sprintf("version %d released", version))
	})
}

// Products returns a request's product versions, newest first; released
// only, for its requester.
func (s *Store) Products(ctx context.Context, id int64, releasedOnly bool) ([]tasking.Product, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT version, title, text, sha256, released, by, at FROM request_products
		WHERE request_id = ? AND (released = 1 OR ? = 0) ORDER BY version DESC`, id, releasedOnly)
	if err != nil {
		return nil, fmt.Errorf("products: %w", err)
	}
	defer rows.Close()
	var out []tasking.Product
	for rows.Next() {
		p := tasking.Product{RequestID: id}
		var at string
		if err := rows.Scan(&p.Version, &p.Title, &p.Text, &p.SHA256, &p.Released, &p.By, &at); err != nil {
			return nil, err
		}
		p.At = parseTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Request returns one request.
func (s *Store) Request(ctx context.Context, id int64) (tasking.Request, error) {
	return scanRequest(s.r.QueryRowContext(ctx, `SELECT data FROM requests WHERE id = ?`, id), id)
}

// RequestHistory returns a request's changes, oldest first; public only,
// for its requester.
func (s *Store) RequestHistory(ctx context.Context, id int64, publicOnly bool) ([]HistoryEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT at, action, from_state, to_state, by, note, public FROM request_history
		WHERE request_id = ? AND (public = 1 OR ? = 0) ORDER BY id`, id, publicOnly)
	if err != nil {
		return nil, fmt.Errorf("request history: %w", err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at, a, from, to string
		if err := rows.Scan(&at, &a, &from, &to, &h.By, &h.Note, &h.Public); err != nil {
			return nil, err
		}
		h.At, h.Action, h.From, h.To = parseTime(at), tasking.Action(a), tasking.State(from), tasking.State(to)
		out = append(out, h)
	}
	return out, rows.Err()
}

// RequestQuery picks requests for a list.
type RequestQuery struct {
	RequesterID int64           // 0: anyone's
	States      []tasking.State // none: every state but drafts
	Limit       int             // default 500
}

// Requests lists requests, newest first.
func (s *Store) Requests(ctx context.Context, q RequestQuery) ([]tasking.Request, error) {
	where, args := []string{"1"}, []any{}
	if q.RequesterID != 0 {
		where, args = append(where, "requester_id = ?"), append(args, q.RequesterID)
	}
	if len(q.States) > 0 {
		ph := make([]string, len(q.States))
		for i, st := range q.States {
			ph[i], args = "?", append(args, string(st))
		}
		where = append(where, "state IN ("+strings.Join(ph, ",")+")")
	} else if q.RequesterID == 0 {
		where = append(where, "state <> 'draft'")
	}
	if q.Limit <= 0 {
		q.Limit = 500
	}
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM requests WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	return collectRequests(rows)
}

// OutcomeNotes returns the qualitative notes of requests completed in
// [from, to), oldest first, for the quarterly report.
func (s *Store) OutcomeNotes(ctx context.Context, from, to time.Time) ([]tasking.Request, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT data FROM requests WHERE state = 'closed' AND completed >= ? AND completed < ? ORDER BY completed`,
		nanos(from), nanos(to))
	if err != nil {
		return nil, fmt.Errorf("outcome notes: %w", err)
	}
	return collectRequests(rows)
}

// ImportRequests writes requests as they are, without history, events or
// audit: it loads a benchmark's or a demonstration's data set, never a
// person's request.
func (s *Store) ImportRequests(ctx context.Context, rs []tasking.Request) error {
	return s.write(ctx, func(t *tx) error {
		for i := range rs {
			r := rs[i]
			r.ID = 0
			if r.Created.IsZero() {
				r.Created = t.now
			}
			if r.Updated.IsZero() {
				r.Updated = r.Created
			}
			if err := t.putRequest(ctx, &r, 0); err != nil {
				return err
			}
		}
		return nil
	})
}

// collectRequests decodes every request of rows (a data column) and
// closes them.
func collectRequests(rows *sql.Rows) ([]tasking.Request, error) {
	defer rows.Close()
	var out []tasking.Request
	for rows.Next() {
		var data string
		var r tasking.Request
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			return nil, fmt.Errorf("decode request: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
