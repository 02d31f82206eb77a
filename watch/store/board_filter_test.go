package store

import (
	"context"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// A board's id is matched as written: "_" and "%" are not wildcards, so
// board x_y never shows a hit of operation xzy (nor x%y one of xay) in its
// snapshot, older pages, replay, search, counts or authors.
func TestBoardFilterMatchesIDsExactly(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	for _, op := range []string{"xzy", "x_y", "xay", "x%y"} {
		it := item("k-"+op, "rave at "+op)
		it.Author = "author-" + op
		if _, _, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Terms: []string{"rave"}, Operations: []string{op}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, board := range []string{"x_y", "x%y"} {
		only := func(what string, ops [][]string) {
			t.Helper()
			if len(ops) != 1 || len(ops[0]) != 1 || ops[0][0] != board {
				t.Errorf("board %s: %s shows %v", board, what, ops)
			}
		}
		hitOps := func(hs []watch.HitView) (out [][]string) {
			for _, h := range hs {
				out = append(out, h.Operations)
			}
			return out
		}
		snap, err := s.BoardSnapshot(ctx, board, 10)
		if err != nil {
			t.Fatal(err)
		}
		only("the snapshot", hitOps(snap.Hits))
		older, err := s.HitsBefore(ctx, board, 1000, 10)
		if err != nil {
			t.Fatal(err)
		}
		only("older hits", hitOps(older))
		found, err := s.Search(ctx, board, "rave", 10)
		if err != nil {
			t.Fatal(err)
		}
		only("search", hitOps(found))
		evs, err := s.EventsAfter(ctx, board, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var evOps [][]string
		for _, ev := range evs {
			evOps = append(evOps, ev.Operations)
		}
		only("replay", evOps)
		authors, err := s.AuthorsOf(ctx, board)
		if err != nil || len(authors) != 1 || authors[0] != "author-"+board {
			t.Errorf("board %s: authors %v %v", board, authors, err)
		}
		counts, err := s.HitCounts(ctx, board, time.Time{}, 100*365*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, b := range counts {
			n += b.Count
		}
		if n != 1 {
			t.Errorf("board %s: counts %d hits", board, n)
		}
	}
}
