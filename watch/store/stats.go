package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Stats counts a board's hits found since from, in buckets of width.
func (s *Store) Stats(ctx context.Context, board string, from time.Time, width time.Duration) (watch.BoardStats, error) {
	now := s.now().UTC()
	from = from.UTC().Truncate(width)
	n := int(now.Sub(from)/width) + 1
	st := watch.BoardStats{ByList: map[string][]int{}, BySource: map[string]int{}, TopTerms: map[string]int{}}
	for i := 0; i < n; i++ {
		st.Buckets = append(st.Buckets, from.Add(time.Duration(i)*width))
	}
	where, args := boardFilter(board, "h.operations")
	rows, err := s.r.QueryContext(ctx, `SELECT h.list, h.terms, h.found, i.source FROM hits h JOIN items i ON i.id = h.item_id
		WHERE h.found >= ? AND `+where, append([]any{fmtTime(from)}, args...)...)
	if err != nil {
		return st, fmt.Errorf("board stats: %w", err)
	}
	defer rows.Close()
	hour := fmtTime(now.Add(-time.Hour))
	for rows.Next() {
		var list, terms, found, source string
		if err := rows.Scan(&list, &terms, &found, &source); err != nil {
			return st, err
		}
		i := int(parseTime(found).Sub(from) / width)
		if i < 0 || i >= n {
			continue
		}
		if st.ByList[list] == nil {
			st.ByList[list] = make([]int, n)
		}
		st.ByList[list][i]++
		st.BySource[source]++
		if found >= hour {
			var ts []string
			if err := json.Unmarshal([]byte(terms), &ts); err != nil {
				return st, fmt.Errorf("board stats: %w", err)
			}
			for _, t := range ts {
				st.TopTerms[watch.TermKey(t)]++
			}
		}
	}
	return st, rows.Err()
}
