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
	return s.hitsWithAnnotations(ctx, s.r, fmt.Sprintf("hits before %d", before), `SELECT `+hitColumns+` FROM hits h JOIN items i ON i.id = h.item_id
		WHERE h.id < ? AND `+where+` ORDER BY h.id DESC LIMIT ?`, append(append([]any{before}, args...), limit)...)
}
