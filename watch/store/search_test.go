package store

import (
	"context"
	"fmt"
	"strings"
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
		{"all", `"free party" -common`, "4"},   // an excluded word excludes
		{"all", `"free party"`, "41"},          // a phrase
		{"all", `"party free"`, ""},            // a phrase is in order
		{"all", `"free part"`, ""},             // the words of a phrase are whole
		{"all", `"free part*"`, "41"},          // unless written with *
		{"all", `canal -"canal street"`, ""},   // an excluded phrase
		{"all", `canal -"street canal"`, "42"}, // only that phrase
		{"all", `party -southside`, ""},        // exclusions look at the author too
		{"all", `-common`, ""},                 // nothing wanted finds nothing
		{"all", `party -comm`, "41"},           // an exclusion is the whole word
		{"all", `party -comm*`, "4"},           // or a prefix, written with *
		{"all", `"free party" -"`, "41"},       // an empty exclusion is ignored
		{"all", `free-party`, "41"},            // a hyphen inside a word is not an exclusion
		{"all", `party NOT common`, ""},        // NOT is a word to look for, not an operator
		{"op1", `party -another`, "1"},         // with a board filter
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

func TestFTSQuery(t *testing.T) {
	long := ""
	for i := 0; i < 40; i++ {
		long += fmt.Sprintf("w%d ", i)
	}
	for _, c := range []struct{ in, want string }{
		{"free party", `"free" * "party" *`},
		{`"free party"`, `"free party"`},
		{`"free party" -common`, `("free party") NOT "common"`},
		{`"free party" -common -"canal street"`, `("free party") NOT "common" NOT "canal street"`},
		{`rave -foot*`, `("rave" *) NOT "foot" *`},
		{`"drill mus*"`, `"drill mus" *`},
		{`-common`, ``},
		{`-"a b"`, ``},
		{`""`, ``},
		{`"unterminated phrase`, `"unterminated phrase"`},
		{`bit.ly`, `"bit" * "ly" *`},
		{`-bit.ly party`, `("party" *) NOT "bit ly"`},
		{`a-b`, `"a" * "b" *`},
		{`- party`, `"party" *`},
		{`--party`, `"party" *`},
		{`party OR rave`, `"party" * "OR" * "rave" *`},
		{`NEAR(a b) *`, `"NEAR" * "a" * "b" *`},
		{`x"); DROP TABLE items; --`, `"x" * "DROP TABLE items"`},
		{`вечерин`, `"вечерин" *`},
		{`"💥" party`, `"party" *`},
		{long, strings.TrimSpace(func() string {
			s := ""
			for i := 0; i < 16; i++ {
				s += fmt.Sprintf(`"w%d" * `, i)
			}
			return s
		}())},
	} {
		if got := ftsQuery(c.in); got != c.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestSearchSpans(t *testing.T) {
	text := "Free party tonight, FREE-PARTY on the common; free parties"
	for _, c := range []struct {
		q    string
		want string // the highlighted text, | between spans
	}{
		{"party", "party|PARTY"},
		{"part", "party|PARTY|parties"},
		{`"free party"`, "Free party|FREE-PARTY"},
		{`"free party" -common`, "Free party|FREE-PARTY"},
		{`"free part*"`, "Free party|FREE-PARTY|free parties"},
		{`free party`, "Free|party|FREE|PARTY|free"}, // each word on its own
		{`commons`, ""},
		{`-party`, ""},
	} {
		var got []string
		for _, s := range searchSpans(ParseSearch(c.q), "text", text) {
			got = append(got, text[s.Start:s.End])
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("%q: %q, want %q", c.q, g, c.want)
		}
	}
}
