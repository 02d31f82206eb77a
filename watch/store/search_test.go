package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

func TestSearch(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	add := func(key, title, text, author string, ops ...string) {
		it := watch.Item{SourceID: "src", Key: key, Title: title, Text: text, Author: author}
		if _, _, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Operations: ops}}); err != nil {
			t.Fatal(err)
		}
	}
	add("1", "Free party on the common", "sound system from 10pm", "@southside", "op1")
	add("2", "Rave at the warehouse", "Canal Street, 500 expected", "@ume_watch", "op2")
	add("3", "Вечеринка в парке", "большая вечеринка", "@moscow")
	add("4", "Another free party", "Canal Street again", "@southside", "op1")
	ids := func(board, q string) string {
		hs, err := s.Search(ctx, board, q, 10)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		out := ""
		for _, h := range hs {
			out += fmt.Sprint(h.Item.Key)
		}
		return out
	}
	for _, c := range []struct{ board, q, want string }{
		{"all", "free party", "41"},
		{"all", "FREE", "41"},
		{"all", "canal", "42"},
		{"all", "canal warehouse", "2"},
		{"all", "southside", "41"}, // author
		{"all", "вечерин", "3"},    // prefix, Cyrillic
		{"op2", "canal", "2"},      // board filter
		{"all", "", ""},
		{"all", `" OR * NEAR( -`, ""},  // operators typed by a person are not passed through
		{"all", `party" OR "rave`, ""}, // typed operators cannot widen the query: every word is required
		{"all", "nothing-matches-this", ""},
	} {
		if got := ids(c.board, c.q); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.board, c.q, got, c.want)
		}
	}
	// retention removes items from the index too
	if _, err := s.w.Exec(`DELETE FROM items WHERE key = '2'`); err != nil {
		t.Fatal(err)
	}
	if got := ids("all", "canal"); got != "4" {
		t.Errorf("after delete: %q", got)
	}
}
