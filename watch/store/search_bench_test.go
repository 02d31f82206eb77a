package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// BenchmarkSearch searches 50,000 stored items for a word in every item, a
// word in one item in a hundred and one in none, prefixes of three and two
// letters of a word in every item, on the all board and one operation's
// (the larger figures: watchroom bench search).
func BenchmarkSearch(b *testing.B) {
	s, _, _ := open(b)
	ctx := context.Background()
	const n = 50000
	for from := 0; from < n; from += 10000 {
		var items []ImportedItem
		for k := from; k < from+10000; k++ {
			text := fmt.Sprintf("crowd gathering near the river, item %d", k)
			if k%100 == 0 {
				text += " warehouse"
			}
			ops := []string{}
			if k%2 == 0 {
				ops = []string{"op1"}
			}
			items = append(items, ImportedItem{
				Item: watch.Item{SourceID: "src", Key: fmt.Sprint(k), Title: "Free party tonight", Text: text, Author: "@someone"},
				Hits: []watch.Hit{{ListID: "l", Operations: ops}}})
		}
		if err := s.ImportItems(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct{ name, board, q string }{
		{"common", watch.BoardAll, "crowd"},
		{"common_board", "op1", "gathering river"},
		{"rare", watch.BoardAll, "warehouse"},
		{"prefix", watch.BoardAll, "ware"},
		{"prefix3_common", watch.BoardAll, "gat"}, // in every item: the prefix index's case
		{"prefix2_common", watch.BoardAll, "ga"},
		{"absent", watch.BoardAll, "nothingmatches"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(ctx, c.board, c.q, 100); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
