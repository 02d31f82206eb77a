package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// TermStats counts, per list and term, the hits of the last 30 days.
func (s *Store) TermStats(ctx context.Context) (map[string]map[string]*watch.TermStat, error) {
	now := s.now().UTC()
	since7, since30 := fmtTime(now.Add(-7*24*time.Hour)), fmtTime(now.Add(-30*24*time.Hour))
	rows, err := s.r.QueryContext(ctx, `SELECT h.list, h.terms, h.found,
		EXISTS (SELECT 1 FROM annotations a WHERE a.hit_id = h.id AND a.kind = 'not_relevant')
		FROM hits h WHERE h.found >= ?`, since30)
	if err != nil {
		return nil, fmt.Errorf("term stats: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]*watch.TermStat{}
	for rows.Next() {
		var list, terms, found string
		var notRelevant bool
		if err := rows.Scan(&list, &terms, &found, &notRelevant); err != nil {
			return nil, err
		}
		var ts []string
		if err := json.Unmarshal([]byte(terms), &ts); err != nil {
			return nil, fmt.Errorf("term stats: %w", err)
		}
		if out[list] == nil {
			out[list] = map[string]*watch.TermStat{}
		}
		seen := map[string]bool{}
		for _, t := range ts {
			t = watch.TermKey(t) // hits recorded before terms had one identity
			if seen[t] {
				continue
			}
			seen[t] = true
			st := out[list][t]
			if st == nil {
				st = &watch.TermStat{List: list, Term: t}
				out[list][t] = st
			}
			st.Hits30++
			if found >= since7 {
				st.Hits7++
			}
			if notRelevant {
				st.NotRelevant++
			}
		}
	}
	return out, rows.Err()
}
