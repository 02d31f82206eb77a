package match

import (
	"reflect"
	"testing"
)

// A terms list and its query find the same items, with the same spans.
func TestTermsQueryMatchesLikeTerms(t *testing.T) {
	terms := []string{"rave", `"free party"`, "sound system", "d.r.i.l.l", "rave's", "E8 3PB", "bit.ly/x", "😀 party", "ｄｒｉｌｌ", "café", "和平鸽"}
	q := TermsQuery(terms)
	if want := `rave OR "free party" OR "sound system" OR "d.r.i.l.l" OR "rave s" OR "E8 3PB" OR "bit ly x" OR party OR ｄｒｉｌｌ OR café OR "和 平 鸽"`; q != want {
		t.Fatalf("query\n%s\nwant\n%s", q, want)
	}
	byTerms, err := Compile([]List{{ID: "l", Terms: terms}})
	if err != nil {
		t.Fatal(err)
	}
	byQuery, err := Compile([]List{{ID: "l", Query: q}})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"a RAVE tonight", "free  party", "free parties", "d r i l l", "DRILL", "rave’s back", "e8 3pb",
		"bit.ly/x", "🎉 party 🎉", "cafe", "我们的和平鸽来了", "nothing here", "sound-system"} {
		a, b := byTerms.Match(Doc{Text: text}), byQuery.Match(Doc{Text: text})
		if len(a) != len(b) || len(a) == 1 && !reflect.DeepEqual(a[0].Spans, b[0].Spans) {
			t.Errorf("%q: terms %+v, query %+v", text, a, b)
		}
	}
}

// A terms list written as a query reads as a person would write it:
// single words without quotes, operators kept as words.
func TestTermsQueryQuotesOnlyWhatNeedsIt(t *testing.T) {
	for _, c := range []struct {
		terms []string
		want  string
	}{
		{[]string{"rave", "pull up"}, `rave OR "pull up"`},
		{[]string{`"rave"`}, `rave`},
		{[]string{"OR", "NEAR", "not"}, `"OR" OR "NEAR" OR not`},
		{[]string{"#drill", "@dj_k"}, `drill OR "dj k"`}, // as a terms list always read them
	} {
		q := TermsQuery(c.terms)
		if q != c.want {
			t.Errorf("TermsQuery(%q) = %s, want %s", c.terms, q, c.want)
		}
		if _, err := Compile([]List{{ID: "l", Query: q}}); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

func TestTermKey(t *testing.T) {
	for _, c := range []struct{ a, b string }{
		{"pull up", `"pull up"`}, {"Pull  Up", "pull up"}, {`"free party"~spaced`, "free party~spaced"},
		{`author:"bob smith"`, "author:bob smith"},
	} {
		if TermKey(c.a) != TermKey(c.b) {
			t.Errorf("%q and %q are different terms: %q, %q", c.a, c.b, TermKey(c.a), TermKey(c.b))
		}
	}
	for _, c := range []struct{ a, b string }{{"drill", "drill*"}, {"drill", "drill~exact"}, {"drill", "author:drill"}} {
		if TermKey(c.a) == TermKey(c.b) {
			t.Errorf("%q and %q are one term", c.a, c.b)
		}
	}
}
