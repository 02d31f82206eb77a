package match

import (
	"strings"
	"testing"
)

// A term written many times in a query is compiled once: repeating it must
// not multiply what every item costs to scan. Terms that differ in field,
// phrase or wildcard stay apart, and the query means what it meant.
func TestRepeatedTermsCompiledOnce(t *testing.T) {
	q := strings.Repeat("rave OR ", 500) + `title:rave OR "free party" OR "free party" OR rave* OR (drill -rave)`
	m, err := Compile([]List{{ID: "l", Query: q}})
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, ct := range m.terms {
		srcs = append(srcs, ct.src)
	}
	if len(m.terms) != 5 {
		t.Fatalf("%d terms compiled, want 5 (rave, title:rave, \"free party\", rave*, drill): %q…", len(m.terms), srcs[:min(len(srcs), 8)])
	}
	for _, c := range []struct {
		doc   Doc
		terms string
	}{
		{Doc{Title: "Rave tonight"}, "rave title:rave rave*"},
		{Doc{Text: "a free party and a rave"}, `rave "free party" rave*`},
		{Doc{Text: "drill"}, "drill"},
		{Doc{Text: "nothing here"}, ""},
	} {
		rs := m.Match(c.doc)
		got := ""
		if len(rs) == 1 {
			got = strings.Join(rs[0].Terms, " ")
		}
		if got != c.terms || len(rs) > 1 {
			t.Errorf("%+v: terms %q, want %q", c.doc, got, c.terms)
		}
	}
}
