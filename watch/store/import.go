package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// ImportedItem is an item with its hits, for ImportItems.
type ImportedItem struct {
	Item watch.Item
	Hits []watch.Hit
}

// ImportItems writes items and their hits in one transaction, through the
// same tables and full-text index as RecordItem but without timeline
// events, dedupe or publishing: it loads an archive or a benchmark's data
// set, never live collection. Items already stored (same source and key)
// are skipped.
func (s *Store) ImportItems(ctx context.Context, items []ImportedItem) error {
	return s.write(ctx, func(t *tx) error {
		for _, x := range items {
			it := x.Item
			if it.Found.IsZero() {
				it.Found = t.now
			}
			media, _ := json.Marshal(nonNil(it.MediaLinks))
			res, err := t.exec(`INSERT OR IGNORE INTO items(source, key, url, author, title, text, published, found,
				media, language, body_sha256, event_start, event_end, location) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, it.SourceID, it.Key, it.URL, it.Author, it.Title, it.Text, fmtTime(it.Published),
				fmtTime(it.Found), string(media), it.Language, it.BodySHA256, fmtTime(it.EventStart), fmtTime(it.EventEnd), it.Location)
			if err != nil {
				return fmt.Errorf("import item: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			for _, h := range x.Hits {
				terms, _ := json.Marshal(nonNil(h.Terms))
				spans, _ := json.Marshal(nonNilSpans(h.Spans))
				if _, err := t.exec(insertHit, id, h.ListID, string(terms), string(spans), opsColumn(h.Operations), fmtTime(it.Found)); err != nil {
					return fmt.Errorf("import hit: %w", err)
				}
			}
		}
		return nil
	})
}

func nonNilSpans(s []watch.Span) []watch.Span {
	if s == nil {
		return []watch.Span{}
	}
	return s
}
