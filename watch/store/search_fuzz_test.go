package store

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch"
)

// FuzzSearch: whatever a person types, the FTS5 query built from it is
// valid (Search never fails), and every highlight lies inside its field
// on rune boundaries.
func FuzzSearch(f *testing.F) {
	s, _, _ := open(f)
	ctx := context.Background()
	for k, it := range []watch.Item{
		{Title: "Free party on the common", Text: "sound system from 10pm, café Zürich", Author: "@southside"},
		{Title: "Вечеринка в парке", Text: "большая вечеринка", Author: "@moscow"},
		{Title: "bit.ly/x rave", Text: "NEAR the canal; OR not", Author: "@a"},
	} {
		it.SourceID, it.Key = "src", string(rune('a'+k))
		if _, _, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Operations: []string{"op1"}}}); err != nil {
			f.Fatal(err)
		}
	}
	for _, q := range []string{"free party", `"free part*" -common`, `" OR * NEAR( -`, `party" OR "rave`,
		`x"); DROP TABLE items; --`, "вечерин", `-"a b"`, `"💥" party`, "a-b", "-", `""`, "^party", "party:text",
		"title:party", "{title} : x", "NOT", "AND OR NOT", "p*", "*", `"\"`, "𞤀𞤁", "e\u0301"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hs, err := s.Search(ctx, watch.BoardAll, q, 10)
		if err != nil {
			t.Fatalf("%q (%s): %v", q, ftsQuery(q), err)
		}
		for _, h := range hs {
			for _, sp := range h.Spans {
				field := h.Item.Title
				if sp.Field == "text" {
					field = h.Item.Text
				}
				if sp.Start < 0 || sp.End > len(field) || sp.Start >= sp.End ||
					!utf8.RuneStart(field[sp.Start]) || (sp.End < len(field) && !utf8.RuneStart(field[sp.End])) {
					t.Fatalf("%q: span %+v in %q", q, sp, field)
				}
			}
		}
	})
}
