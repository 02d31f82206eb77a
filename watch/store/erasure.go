package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// An erasure removes collected content before its retention class would
// (docs/retention.md): one item, or everything stored from one author.
// The items go with their hits, their search index entries and the
// timeline events that carried them; officers' decisions on them stay
// (they are the force's own record, kept by their class); briefing
// versions that quoted them are immutable records of what was disclosed,
// so they are marked, not rewritten; evidence exhibits are never touched
// (a case's officer decides). Each erasure is a row of its own, audited as
// "erasure" in the same transaction, naming an author only by a keyed hash.

// Erasure scopes.
const (
	EraseItem   = "item"
	EraseAuthor = "author"
)

// EraseRequest says what to erase, who asks and why.
type EraseRequest struct {
	Scope  string // EraseItem or EraseAuthor
	ItemID int64  // EraseItem
	Source string // EraseAuthor: the source, "" for every source
	Author string // EraseAuthor: exactly as stored
	By     string
	Reason string
	// Suppress (EraseAuthor only) also keeps the author from being
	// collected again, in Source or (Source "") every source, until an
	// admin lifts it (suppress.go).
	Suppress bool
}

// Erasure is one erasure as recorded.
type Erasure struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	By        string    `json:"by"`
	Reason    string    `json:"reason"`
	Scope     string    `json:"scope"`
	Target    string    `json:"target"` // item:<id>, or author:<keyed hash>
	Items     int64     `json:"items"`
	Hits      int64     `json:"hits"`
	Events    int64     `json:"events"`
	Briefings int64     `json:"briefings"` // briefing versions marked
	Suppress  bool      `json:"suppress"`  // the author is also kept from being collected again
	HitIDs    []int64   `json:"hit_ids"`   // the hits that went (boards take their cards away)
}

// ErrNothingToErase is returned when no stored item matches.
var ErrNothingToErase = errors.New("no stored item matches")

// ErasedEvent is the data of an EventErased timeline event.
type ErasedEvent struct {
	Erasure int64   `json:"erasure"`
	HitIDs  []int64 `json:"hit_ids"`
}

func (r EraseRequest) check() error {
	if strings.TrimSpace(r.Reason) == "" {
		return fmt.Errorf("%w: an erasure needs a reason", ErrInvalid)
	}
	if strings.TrimSpace(r.By) == "" {
		return fmt.Errorf("%w: an erasure needs the name of who asks", ErrInvalid)
	}
	switch r.Scope {
	case EraseItem:
		if r.ItemID <= 0 {
			return fmt.Errorf("%w: no item named", ErrInvalid)
		}
	case EraseAuthor:
		if strings.TrimSpace(r.Author) == "" {
			return fmt.Errorf("%w: no author named", ErrInvalid)
		}
	default:
		return fmt.Errorf("%w: erasure scope %q (want item or author)", ErrInvalid, r.Scope)
	}
	if r.Suppress && r.Scope != EraseAuthor {
		return fmt.Errorf("%w: only an author can be kept from being collected again", ErrInvalid)
	}
	return nil
}

// ErasePreview counts what an erasure would remove, without removing it.
func (s *Store) ErasePreview(ctx context.Context, r EraseRequest) (Erasure, error) {
	r.Reason, r.By = "preview", "preview"
	if err := r.check(); err != nil {
		return Erasure{}, err
	}
	where, args := r.items()
	e := Erasure{Scope: r.Scope}
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE((SELECT COUNT(*) FROM hits WHERE item_id IN (SELECT id FROM items WHERE `+where+`)), 0)
		FROM items WHERE `+where, append(args, args...)...).Scan(&e.Items, &e.Hits)
	return e, err
}

func (r EraseRequest) items() (string, []any) {
	if r.Scope == EraseItem {
		return `id = ?`, []any{r.ItemID}
	}
	if r.Source != "" {
		return `author = ? AND source = ?`, []any{r.Author, r.Source}
	}
	return `author = ?`, []any{r.Author}
}

// Erase removes what r names, in one transaction with its record, its
// audit entry and an EventErased timeline event (on the boards that showed
// the hits).
func (s *Store) Erase(ctx context.Context, r EraseRequest) (Erasure, error) {
	if err := r.check(); err != nil {
		return Erasure{}, err
	}
	key, err := s.erasureKey(ctx)
	if err != nil {
		return Erasure{}, err
	}
	e := Erasure{By: r.By, Reason: r.Reason, Scope: r.Scope, HitIDs: []int64{}, Suppress: r.Suppress}
	if r.Scope == EraseItem {
		e.Target = fmt.Sprintf("item:%d", r.ItemID)
	} else {
		e.Target = authorTarget(key, r.Source, r.Author)
	}
	err = s.write(ctx, func(t *tx) error {
		e.At = t.now
		where, args := r.items()
		ids, err := int64s(ctx, t, `SELECT id FROM items WHERE `+where+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return ErrNothingToErase
		}
		e.Items = int64(len(ids))
		tmp := `CREATE TEMP TABLE IF NOT EXISTS erase_ids(id INTEGER PRIMARY KEY)`
		if _, err := t.ExecContext(ctx, tmp); err != nil {
			return err
		}
		defer t.ExecContext(context.WithoutCancel(ctx), `DELETE FROM erase_ids`)
		for _, id := range ids {
			if _, err := t.ExecContext(ctx, `INSERT INTO erase_ids(id) VALUES(?)`, id); err != nil {
				return err
			}
		}
		var ops []string
		seenOp := map[string]bool{}
		rows, err := t.QueryContext(ctx, `SELECT id, operations FROM hits WHERE item_id IN (SELECT id FROM erase_ids) ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var col string
			if err := rows.Scan(&id, &col); err != nil {
				rows.Close()
				return err
			}
			e.HitIDs = append(e.HitIDs, id)
			for _, op := range opsFromColumn(col) {
				if !seenOp[op] {
					seenOp[op] = true
					ops = append(ops, op)
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		e.Hits = int64(len(e.HitIDs))
		res, err := t.ExecContext(ctx, `DELETE FROM events WHERE type = ? AND json_extract(data, '$.item_id') IN (SELECT id FROM erase_ids)`, watch.EventHit)
		if err != nil {
			return fmt.Errorf("erase events: %w", err)
		}
		e.Events, _ = res.RowsAffected()
		briefings, err := int64s(ctx, t, `SELECT DISTINCT b.id FROM briefings b, json_each(b.data, '$.key_hits') k
			WHERE json_extract(k.value, '$.item.id') IN (SELECT id FROM erase_ids) ORDER BY b.id`)
		if err != nil {
			return fmt.Errorf("erase: briefings: %w", err)
		}
		e.Briefings = int64(len(briefings))
		if _, err := t.ExecContext(ctx, `DELETE FROM items WHERE id IN (SELECT id FROM erase_ids)`); err != nil {
			return fmt.Errorf("erase items: %w", err)
		}
		res, err = t.ExecContext(ctx, `INSERT INTO erasures(at, by, reason, scope, target, items, hits, events, briefings) VALUES(?,?,?,?,?,?,?,?,?)`,
			fmtTime(e.At), e.By, e.Reason, e.Scope, e.Target, e.Items, e.Hits, e.Events, e.Briefings)
		if err != nil {
			return fmt.Errorf("record erasure: %w", err)
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, b := range briefings {
			if _, err := t.ExecContext(ctx, `INSERT INTO briefing_erasures(briefing_id, erasure_id) VALUES(?,?)`, b, e.ID); err != nil {
				return fmt.Errorf("mark briefing %d: %w", b, err)
			}
		}
		suppress := ""
		if r.Suppress {
			if _, err := t.ExecContext(ctx, `INSERT OR REPLACE INTO suppressions(target, source, at, by, reason, erasure_id) VALUES(?,?,?,?,?,?)`,
				e.Target, r.Source, fmtTime(e.At), e.By, e.Reason, e.ID); err != nil {
				return fmt.Errorf("suppress author: %w", err)
			}
			// from this batch on, collected items are looked at (a
			// rollback leaves the look on, finding nothing)
			t.s.suppressKey.Store(&key)
			suppress = " suppressed=yes"
		}
		if _, err := t.appendEvent(ctx, watch.EventErased, ops, ErasedEvent{Erasure: e.ID, HitIDs: e.HitIDs}); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: e.By, Action: "erasure", Target: e.Target,
			Detail: fmt.Sprintf("erasure=%d scope=%s items=%d hits=%d events=%d briefings_marked=%d%s reason=%s",
				e.ID, e.Scope, e.Items, e.Hits, e.Events, e.Briefings, suppress, e.Reason)})
	})
	if err != nil {
		return Erasure{}, err
	}
	return e, nil
}

// Erasures lists the erasures, newest first.
func (s *Store) Erasures(ctx context.Context, limit int) ([]Erasure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, by, reason, scope, target, items, hits, events, briefings
		FROM erasures ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("erasures: %w", err)
	}
	defer rows.Close()
	out := []Erasure{}
	for rows.Next() {
		var e Erasure
		var at string
		if err := rows.Scan(&e.ID, &at, &e.By, &e.Reason, &e.Scope, &e.Target, &e.Items, &e.Hits, &e.Events, &e.Briefings); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// BriefingErasures lists the erasures that touched a briefing version (it
// quoted an item since erased), oldest first.
func (s *Store) BriefingErasures(ctx context.Context, briefingID int64) ([]Erasure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.id, e.at, e.by, e.reason, e.scope FROM erasures e
		JOIN briefing_erasures b ON b.erasure_id = e.id WHERE b.briefing_id = ? ORDER BY e.id`, briefingID)
	if err != nil {
		return nil, fmt.Errorf("briefing erasures: %w", err)
	}
	defer rows.Close()
	out := []Erasure{}
	for rows.Next() {
		var e Erasure
		var at string
		if err := rows.Scan(&e.ID, &at, &e.By, &e.Reason, &e.Scope); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// erasureKey is the installation's key for naming erased authors by a
// keyed hash: made once, kept in the database.
func (s *Store) erasureKey(ctx context.Context) ([]byte, error) {
	v, err := s.Meta(ctx, "erasure_key")
	if err != nil {
		return nil, err
	}
	if v == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		err := s.write(ctx, func(t *tx) error {
			_, err := t.ExecContext(ctx, `INSERT OR IGNORE INTO meta(key, value) VALUES('erasure_key', ?)`, hex.EncodeToString(b))
			return err
		})
		if err != nil {
			return nil, err
		}
		if v, err = s.Meta(ctx, "erasure_key"); err != nil {
			return nil, err
		}
	}
	return hex.DecodeString(v)
}

func int64s(ctx context.Context, t *tx, q string, args ...any) ([]int64, error) {
	rows, err := t.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ExistingItems reports which of the given items are still stored.
func (s *Store) ExistingItems(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	raw, _ := json.Marshal(ids)
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?))`, string(raw))
	if err != nil {
		return nil, fmt.Errorf("items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
