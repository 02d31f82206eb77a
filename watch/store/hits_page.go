package store

import (
	"context"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// HitsBefore returns up to limit of a board's hits older than the hit
// before (by id, newest first), with their annotations: the page after
// a snapshot, or after the previous page. Hit ids only grow, so the id of
// the oldest hit a board holds is a stable cursor: a hit found meanwhile
// has a larger id and comes by the live stream, never in a page, and no
// hit is in two pages.
func (s *Store) HitsBefore(ctx context.Context, board string, before int64, limit int) ([]watch.HitView, error) {
	where, args := boardFilter(board, "h.operations")
	rows, err := s.r.QueryContext(ctx, `SELECT `+hitColumns+` FROM hits h JOIN items i ON i.id = h.item_id
		WHERE h.id < ? AND `+where+` ORDER BY h.id DESC LIMIT ?`, append(append([]any{before}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("hits before %d: %w", before, err)
	}
	hits := []watch.HitView{}
	var ids []int64
	for rows.Next() {
		v, err := scanHit(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		hits = append(hits, v)
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
	for i := range hits {
		hits[i].Annotations = append(hits[i].Annotations, anns[hits[i].ID]...)
	}
	return hits, nil
}
