package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// ErrConflict marks a write refused because the row changed since the
// writer read it.
var ErrConflict = errors.New("changed meanwhile")

// StoredWatchLists returns the watch lists kept in the database, by id.
func (s *Store) StoredWatchLists(ctx context.Context) ([]watch.StoredList, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT doc, operations, disabled, override, rev, created_by, created, updated_by, updated
		FROM watchlists ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("watch lists: %w", err)
	}
	defer rows.Close()
	var out []watch.StoredList
	for rows.Next() {
		var l watch.StoredList
		var doc, ops, created, updated string
		if err := rows.Scan(&doc, &ops, &l.Disabled, &l.Override, &l.Rev, &l.CreatedBy, &created, &l.UpdatedBy, &updated); err != nil {
			return nil, fmt.Errorf("watch lists: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &l.List); err != nil {
			return nil, fmt.Errorf("watch list doc: %w", err)
		}
		if err := json.Unmarshal([]byte(ops), &l.Operations); err != nil {
			return nil, fmt.Errorf("watch list operations: %w", err)
		}
		l.Created, l.Updated = parseTime(created), parseTime(updated)
		out = append(out, l)
	}
	return out, rows.Err()
}

// SaveWatchList creates or replaces the stored list l.List.ID, writing
// the audit entry in the same transaction. l.Rev is the revision the
// writer read (0: none stored); if the stored one differs, nothing is
// written and the error is ErrConflict. It returns the list as stored.
func (s *Store) SaveWatchList(ctx context.Context, l watch.StoredList, audit watch.AuditEntry) (watch.StoredList, error) {
	if l.List.ID == "" {
		return l, fmt.Errorf("watch list without an id: %w", ErrInvalid)
	}
	err := s.write(ctx, func(t *tx) error {
		var rev int64
		var createdBy, created string
		err := t.QueryRowContext(ctx, `SELECT rev, created_by, created FROM watchlists WHERE id=?`, l.List.ID).Scan(&rev, &createdBy, &created)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			createdBy, created = audit.Actor, fmtTime(t.now)
		case err != nil:
			return fmt.Errorf("read watch list: %w", err)
		}
		if rev != l.Rev {
			return fmt.Errorf("watch list %q is at revision %d, not %d: %w", l.List.ID, rev, l.Rev, ErrConflict)
		}
		doc, err := json.Marshal(l.List)
		if err != nil {
			return err
		}
		ops, _ := json.Marshal(nonNil(l.Operations))
		l.Rev, l.CreatedBy, l.Created, l.UpdatedBy, l.Updated = rev+1, createdBy, parseTime(created), audit.Actor, t.now
		if _, err := t.ExecContext(ctx, `INSERT INTO watchlists(id, doc, operations, disabled, override, rev, created_by, created, updated_by, updated)
			VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET doc=excluded.doc, operations=excluded.operations,
			disabled=excluded.disabled, override=excluded.override, rev=excluded.rev, updated_by=excluded.updated_by, updated=excluded.updated`,
			l.List.ID, string(doc), string(ops), l.Disabled, l.Override, l.Rev, createdBy, created, audit.Actor, fmtTime(t.now)); err != nil {
			return fmt.Errorf("save watch list: %w", err)
		}
		return t.audit(ctx, audit)
	})
	return l, err
}

// DeleteWatchList removes the stored list id at revision rev (for an
// override: back to the config file's version), with its audit entry in
// the same transaction. ErrNotFound when there is none, ErrConflict when
// it is at another revision.
func (s *Store) DeleteWatchList(ctx context.Context, id string, rev int64, audit watch.AuditEntry) error {
	return s.write(ctx, func(t *tx) error {
		var cur int64
		err := t.QueryRowContext(ctx, `SELECT rev FROM watchlists WHERE id=?`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("watch list %q: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("read watch list: %w", err)
		}
		if cur != rev {
			return fmt.Errorf("watch list %q is at revision %d, not %d: %w", id, cur, rev, ErrConflict)
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM watchlists WHERE id=?`, id); err != nil {
			return fmt.Errorf("delete watch list: %w", err)
		}
		return t.audit(ctx, audit)
	})
}
