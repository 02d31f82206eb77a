package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// The statements of recording an item, prepared once per batch (tx.exec).
const (
	insertSeen = `INSERT OR IGNORE INTO seen(source, key, first_seen) VALUES(?,?,?)`
	insertItem = `INSERT INTO items(source, key, url, author, title, text, published, found,
		media, language, body_sha256, event_start, event_end, location) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	insertHit = `INSERT INTO hits(item_id, list, terms, spans, operations, found) VALUES(?,?,?,?,?,?)`
)

// RecordItem records an item the pipeline saw. If the source already had an
// item with the same key, nothing is written and it returns false. An item
// that matched nothing is only remembered by key; one that matched is
// stored with its hits and one timeline event per hit, in one transaction.
func (s *Store) RecordItem(ctx context.Context, it watch.Item, hits []watch.Hit) (bool, []watch.HitView, error) {
	rs, err := s.RecordItems(ctx, []watch.Finding{{Item: it, Hits: hits}}, nil)
	if err != nil {
		return false, nil, err
	}
	return rs[0].New, rs[0].Hits, nil
}

// RecordItems records items as RecordItem does, all in one transaction
// (with the other writes queued meanwhile: see write). When audit is not
// nil, the audit entry it returns for what was recorded is written in the
// same transaction, so the record and its audit entry are kept together
// or not at all. audit runs in the writer: it must not call the store.
func (s *Store) RecordItems(ctx context.Context, fs []watch.Finding, audit func([]watch.Recorded) watch.AuditEntry) ([]watch.Recorded, error) {
	var out []watch.Recorded
	err := s.write(ctx, func(t *tx) error {
		out = make([]watch.Recorded, 0, len(fs))
		for _, f := range fs {
			r, err := t.recordItem(ctx, f.Item, f.Hits)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if audit != nil {
			return t.audit(ctx, audit(out))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (t *tx) recordItem(ctx context.Context, it watch.Item, hits []watch.Hit) (watch.Recorded, error) {
	if it.Found.IsZero() {
		it.Found = t.now
	}
	res, err := t.exec(insertSeen, it.SourceID, it.Key, fmtTime(it.Found))
	if err != nil {
		return watch.Recorded{}, fmt.Errorf("record seen: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return watch.Recorded{Item: it}, nil
	}
	if len(hits) == 0 {
		return watch.Recorded{Item: it, New: true}, nil
	}
	if kept, err := t.suppressed(it); err != nil || kept {
		// seen, so not looked at again; never stored
		return watch.Recorded{Item: it}, err
	}
	media, _ := json.Marshal(nonNil(it.MediaLinks))
	res, err = t.exec(insertItem, it.SourceID, it.Key, it.URL, it.Author, it.Title, it.Text, fmtTime(it.Published), fmtTime(it.Found),
		string(media), it.Language, it.BodySHA256, fmtTime(it.EventStart), fmtTime(it.EventEnd), it.Location)
	if err != nil {
		return watch.Recorded{}, fmt.Errorf("insert item: %w", err)
	}
	if it.ID, err = res.LastInsertId(); err != nil {
		return watch.Recorded{}, err
	}
	views := make([]watch.HitView, 0, len(hits))
	for _, h := range hits {
		h.ItemID, h.Found = it.ID, it.Found
		if h.Terms == nil {
			h.Terms = []string{}
		}
		if h.Spans == nil {
			h.Spans = []watch.Span{}
		}
		if h.Operations == nil {
			h.Operations = []string{}
		}
		terms, _ := json.Marshal(h.Terms)
		spans, _ := json.Marshal(h.Spans)
		res, err := t.exec(insertHit, h.ItemID, h.ListID, string(terms), string(spans), opsColumn(h.Operations), fmtTime(h.Found))
		if err != nil {
			return watch.Recorded{}, fmt.Errorf("insert hit: %w", err)
		}
		if h.ID, err = res.LastInsertId(); err != nil {
			return watch.Recorded{}, err
		}
		v := watch.HitView{Hit: h, Item: it, Annotations: []watch.Annotation{}}
		if _, err := t.appendEvent(ctx, watch.EventHit, h.Operations, v); err != nil {
			return watch.Recorded{}, err
		}
		views = append(views, v)
	}
	return watch.Recorded{Item: it, New: true, Hits: views}, nil
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// ItemsSince returns the stored items found at or after since, newest
// first, at most limit.
func (s *Store) ItemsSince(ctx context.Context, since time.Time, limit int) ([]watch.Item, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, source, url, author, title, text, published, found FROM items
		WHERE found >= ? ORDER BY found DESC, id DESC LIMIT ?`, fmtTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("items since: %w", err)
	}
	defer rows.Close()
	var out []watch.Item
	for rows.Next() {
		var it watch.Item
		var pub, found string
		if err := rows.Scan(&it.ID, &it.SourceID, &it.URL, &it.Author, &it.Title, &it.Text, &pub, &found); err != nil {
			return nil, fmt.Errorf("items since: %w", err)
		}
		it.Published, it.Found = parseTime(pub), parseTime(found)
		out = append(out, it)
	}
	return out, rows.Err()
}
