package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/watchroom/watchroom/watch"
)

// ftsQuery turns what a person typed into an FTS4 MATCH expression: each
// word becomes a quoted prefix term, all of them required. Operators and
// punctuation typed by the person are not passed through, so no input can
// make the query fail or widen it.
func ftsQuery(q string) string {
	var terms []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) }) {
		if len(terms) == 16 {
			break
		}
		terms = append(terms, `"`+w+`*"`)
	}
	return strings.Join(terms, " ")
}

// Search returns a board's hits whose item's title, text or author contains
// every word of q (prefixes), newest first.
func (s *Store) Search(ctx context.Context, board, q string, limit int) ([]watch.HitView, error) {
	m := ftsQuery(q)
	if m == "" {
		return []watch.HitView{}, nil
	}
	where, args := boardFilter(board, "h.operations")
	// Newest first by the index's own docid order, which is the items'
	// order and so their hits' (an item's hits are written with it): the
	// full-text index is read newest first and the query stops at limit,
	// instead of joining and sorting every match of a common word.
	rows, err := s.r.QueryContext(ctx, `SELECT `+hitColumns+` FROM items_fts
		CROSS JOIN items i ON i.id = items_fts.docid CROSS JOIN hits h ON h.item_id = i.id
		WHERE items_fts MATCH ? AND `+where+` ORDER BY items_fts.docid DESC LIMIT ?`, append(append([]any{m}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := []watch.HitView{}
	var ids []int64
	for rows.Next() {
		v, err := scanHit(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, v)
		ids = append(ids, v.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	anns, err := s.annotations(ctx, s.r, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Annotations = append(out[i].Annotations, anns[out[i].ID]...)
	}
	return out, nil
}
