package match_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch/match"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name  string
		terms []string
		doc   match.Doc
		want  []string // matched substrings as "field:text", in span order; nil: no result
	}{
		{name: "word", terms: []string{"rave"}, doc: match.Doc{Text: "A rave tonight"}, want: []string{"text:rave"}},
		{name: "case", terms: []string{"RAVE"}, doc: match.Doc{Title: "Rave", Text: "rAvE!"}, want: []string{"title:Rave", "text:rAvE"}},
		{name: "not inside raven", terms: []string{"rave"}, doc: match.Doc{Text: "the raven"}},
		{name: "not inside brave", terms: []string{"rave"}, doc: match.Doc{Text: "brave ravers, ravenous graves"}},
		{name: "digits are word characters", terms: []string{"rave"}, doc: match.Doc{Text: "rave2 2rave rave_"}, want: []string{"text:rave"}},
		{name: "apostrophe splits", terms: []string{"rave"}, doc: match.Doc{Text: "rave's"}, want: []string{"text:rave"}},
		{name: "hashtag and mention", terms: []string{"rave", "dj"}, doc: match.Doc{Text: "#rave @dj"}, want: []string{"text:rave", "text:dj"}},
		{name: "phrase", terms: []string{"free party"}, doc: match.Doc{Text: "a FREE   PARTY here"}, want: []string{"text:FREE   PARTY"}},
		{name: "quoted phrase", terms: []string{`"free party"`}, doc: match.Doc{Text: "free party"}, want: []string{"text:free party"}},
		{name: "phrase across punctuation and newline", terms: []string{"sound system"}, doc: match.Doc{Text: "big sound,\n\t— system tonight"}, want: []string{"text:sound,\n\t— system"}},
		{name: "phrase words must be adjacent", terms: []string{"free party"}, doc: match.Doc{Text: "free beer party"}},
		{name: "phrase whole words", terms: []string{"free party"}, doc: match.Doc{Text: "carefree party, free partying"}},
		{name: "phrase does not cross fields", terms: []string{"free party"}, doc: match.Doc{Title: "free", Text: "party"}},
		{name: "every occurrence", terms: []string{"rave"}, doc: match.Doc{Text: "rave, rave and rave"}, want: []string{"text:rave", "text:rave", "text:rave"}},
		{name: "overlapping terms", terms: []string{"illegal rave", "rave"}, doc: match.Doc{Text: "an illegal rave"}, want: []string{"text:illegal rave", "text:rave"}},
		{name: "same start, shorter first", terms: []string{"illegal rave", "illegal"}, doc: match.Doc{Text: "illegal rave"}, want: []string{"text:illegal", "text:illegal rave"}},
		{name: "compound is one word", terms: []string{"strasse"}, doc: match.Doc{Text: "Hauptstraße 1"}, want: nil},
		{name: "sharp s folds to ss", terms: []string{"straße"}, doc: match.Doc{Text: "HAUPTSTRASSE, STRASSE"}, want: []string{"text:STRASSE"}},
		{name: "umlaut", terms: []string{"Müller"}, doc: match.Doc{Text: "MÜLLER und müller"}, want: []string{"text:MÜLLER", "text:müller"}},
		// Diacritics fold by default now (docs/watchlists.md); ~accents in a query keeps them.
		{name: "decomposed accent", terms: []string{"café"}, doc: match.Doc{Text: "Cafe\u0301 noir, cafe"}, want: []string{"text:Cafe\u0301", "text:cafe"}},
		{name: "Cyrillic", terms: []string{"вечеринка"}, doc: match.Doc{Text: "Большая ВЕЧЕРИНКА сегодня; вечеринками"}, want: []string{"text:ВЕЧЕРИНКА"}},
		{name: "Greek final sigma", terms: []string{"ΣΤΟΥΣ"}, doc: match.Doc{Text: "πάρτι στους δρόμους"}, want: []string{"text:στους"}},
		{name: "Greek accents fold", terms: []string{"ΠΑΡΤΙ"}, doc: match.Doc{Text: "πάρτι"}, want: []string{"text:πάρτι"}},
		{name: "Greek sigma forms", terms: []string{"ΔΡΟΜΟΣ"}, doc: match.Doc{Text: "ο δρομος"}, want: []string{"text:δρομος"}},
		{name: "Arabic", terms: []string{"حفلة"}, doc: match.Doc{Text: "هناك حفلة الليلة"}, want: []string{"text:حفلة"}},
		{name: "Arabic tatweel and harakat", terms: []string{"محمد"}, doc: match.Doc{Text: "مُحَمَّد و مـحـمـد"}, want: []string{"text:مُحَمَّد", "text:مـحـمـد"}},
		{name: "Arabic whole word", terms: []string{"حفل"}, doc: match.Doc{Text: "حفلة"}},
		{name: "Urdu", terms: []string{"پاکستان"}, doc: match.Doc{Title: "امریکہ اور پاکستان کے 70 سالہ تعلقات"}, want: []string{"title:پاکستان"}},
		{name: "Urdu phrase", terms: []string{"وزیر دفاع"}, doc: match.Doc{Text: "معطل کر دیا: وزیر دفاع"}, want: []string{"text:وزیر دفاع"}},
		{name: "Chinese inside a sentence", terms: []string{"和平鸽"}, doc: match.Doc{Title: "建国35周年纪念，华表，和平鸽"}, want: []string{"title:和平鸽"}},
		{name: "Chinese single rune", terms: []string{"鸽"}, doc: match.Doc{Text: "和平鸽"}, want: []string{"text:鸽"}},
		{name: "Chinese across a space", terms: []string{"和平"}, doc: match.Doc{Text: "和 平"}, want: []string{"text:和 平"}},
		{name: "Chinese next to Latin", terms: []string{"手机", "phone"}, doc: match.Doc{Text: "iPhone手机"}, want: []string{"text:手机"}},
		{name: "Latin next to Chinese", terms: []string{"iphone"}, doc: match.Doc{Text: "买iPhone手机"}, want: []string{"text:iPhone"}},
		{name: "Japanese kana", terms: []string{"データ"}, doc: match.Doc{Text: "ビッグデータ解析"}, want: []string{"text:データ"}},
		{name: "halfwidth katakana", terms: []string{"データ"}, doc: match.Doc{Text: "ﾋﾞｯｸﾞﾃﾞｰﾀ"}, want: []string{"text:ﾃﾞｰﾀ"}},
		{name: "fullwidth Latin", terms: []string{"rave"}, doc: match.Doc{Text: "ＲＡＶＥ"}, want: []string{"text:ＲＡＶＥ"}},
		{name: "emoji around", terms: []string{"party"}, doc: match.Doc{Text: "🎉party🎉 🔥"}, want: []string{"text:party"}},
		{name: "emoji are separators", terms: []string{"free party"}, doc: match.Doc{Text: "free🎉party"}, want: []string{"text:free🎉party"}},
		{name: "invalid UTF-8 separates", terms: []string{"rave"}, doc: match.Doc{Text: "x\xffrave\xfe"}, want: []string{"text:rave"}},
		{name: "digits", terms: []string{"M25"}, doc: match.Doc{Text: "on the m25, m250"}, want: []string{"text:m25"}},
		{name: "term punctuation is a separator", terms: []string{"#rave"}, doc: match.Doc{Text: "rave"}, want: []string{"text:rave"}},
		{name: "empty doc", terms: []string{"rave"}, doc: match.Doc{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := match.Compile([]match.List{{ID: "l", Terms: tt.terms}})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			res := m.Match(tt.doc)
			if tt.want == nil {
				if len(res) != 0 {
					t.Fatalf("Match = %+v, want nothing", res)
				}
				return
			}
			if len(res) != 1 || res[0].ListID != "l" {
				t.Fatalf("Match = %+v, want one result for list l", res)
			}
			var got []string
			for _, s := range res[0].Spans {
				src := tt.doc.Text
				if s.Field == match.FieldTitle {
					src = tt.doc.Title
				}
				got = append(got, s.Field+":"+src[s.Start:s.End])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spans cover %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMatchResults(t *testing.T) {
	m, err := match.Compile([]match.List{
		{ID: "events", Terms: []string{"rave", `"free party"`, "Rave", "rave", "festival"}},
		{ID: "nothing", Terms: []string{"zebra"}},
		{ID: "places", Terms: []string{"Hackney", "free party"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	doc := match.Doc{Title: "Free party in Hackney", Text: "a rave; no, a FREE PARTY. rave on"}
	got := m.Match(doc)
	// Scores: rave twice (1+ln 2) and Rave, the same word, once more;
	// "free party" twice, two words, once in the title (x1.5). Hackney once
	// in the title; free party as before.
	ln2 := math.Log(2)
	want := []match.Result{
		{ListID: "events", Severity: "routine", Terms: []string{"rave", `"free party"`, "Rave"}, Spans: []match.Span{
			{"title", 0, 10}, {"text", 2, 6}, {"text", 14, 24}, {"text", 26, 30},
		}, Score: 2*(1+ln2) + 2*(1+ln2)*1.5},
		{ListID: "places", Severity: "routine", Terms: []string{"Hackney", "free party"}, Spans: []match.Span{
			{"title", 0, 10}, {"title", 14, 21}, {"text", 14, 24},
		}, Score: 1.5 + 2*(1+ln2)*1.5},
	}
	for i := range got {
		if i < len(want) && math.Abs(got[i].Score-want[i].Score) < 1e-9 {
			got[i].Score = want[i].Score
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Match =\n%+v\nwant\n%+v", got, want)
	}
	if doc.Text[14:24] != "FREE PARTY" || doc.Title[14:21] != "Hackney" {
		t.Fatal("the expected spans themselves are wrong")
	}
	if res := m.Match(match.Doc{Text: "nothing to see"}); res != nil {
		t.Errorf("no match: got %+v, want nil", res)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name  string
		lists []match.List
		want  error
	}{
		{"empty id", []match.List{{ID: "", Terms: []string{"x"}}}, match.ErrEmptyListID},
		{"duplicate id", []match.List{{ID: "a", Terms: []string{"x"}}, {ID: "a", Terms: []string{"y"}}}, match.ErrDuplicateListID},
		{"empty term", []match.List{{ID: "a", Terms: []string{""}}}, match.ErrEmptyTerm},
		{"blank term", []match.List{{ID: "a", Terms: []string{"  \t"}}}, match.ErrEmptyTerm},
		{"empty quotes", []match.List{{ID: "a", Terms: []string{`""`}}}, match.ErrEmptyTerm},
		{"opening quote only", []match.List{{ID: "a", Terms: []string{`"free party`}}}, match.ErrUnbalancedQuote},
		{"closing quote only", []match.List{{ID: "a", Terms: []string{`free party"`}}}, match.ErrUnbalancedQuote},
		{"lone quote", []match.List{{ID: "a", Terms: []string{`"`}}}, match.ErrUnbalancedQuote},
		{"inner quotes", []match.List{{ID: "a", Terms: []string{`say "hi"`}}}, match.ErrUnbalancedQuote},
		{"three quotes", []match.List{{ID: "a", Terms: []string{`"a"b"`}}}, match.ErrUnbalancedQuote},
		{"punctuation only", []match.List{{ID: "a", Terms: []string{"!!!"}}}, match.ErrNoWords},
		{"combining marks only", []match.List{{ID: "a", Terms: []string{"\u0301\u0302"}}}, match.ErrNoWords},
		{"tatweel only", []match.List{{ID: "a", Terms: []string{"ـــ"}}}, match.ErrNoWords},
		{"emoji only", []match.List{{ID: "a", Terms: []string{"🎉"}}}, match.ErrNoWords},
		{"quoted punctuation", []match.List{{ID: "a", Terms: []string{`" - "`}}}, match.ErrNoWords},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := match.Compile(tt.lists)
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("Compile = %v, %v; want %v", m, err, tt.want)
			}
		})
	}

	t.Run("every problem reported", func(t *testing.T) {
		_, err := match.Compile([]match.List{{ID: "a", Terms: []string{"ok", `"bad`, "!!"}}, {ID: ""}})
		var te *match.TermError
		if !errors.As(err, &te) || te.ListID != "a" || te.Index != 1 || te.Term != `"bad` {
			t.Fatalf("first TermError = %+v", te)
		}
		for _, want := range []error{match.ErrUnbalancedQuote, match.ErrNoWords, match.ErrEmptyListID} {
			if !errors.Is(err, want) {
				t.Errorf("err %v does not report %v", err, want)
			}
		}
	})

	t.Run("a list without terms is valid", func(t *testing.T) {
		m, err := match.Compile([]match.List{{ID: "empty"}})
		if err != nil || len(m.Match(match.Doc{Text: "anything"})) != 0 {
			t.Fatalf("Compile = %v", err)
		}
	})
}

// FuzzMatch checks invariants that hold for any input: no panic, spans
// inside the text on rune boundaries, sorted, and covering words that
// normalise to the term.
func FuzzMatch(f *testing.F) {
	f.Add("Free party", "an illegal rave tonight", "rave")
	f.Add("和平鸽", "建国35周年纪念", "和平")
	f.Add("ﾃﾞｰﾀ", "データ", `"データ"`)
	f.Add("مُحَمَّد", "مـحـمـد", "محمد")
	f.Add("x\xffy", "\xc3", "x y")
	f.Add("Hauptstraße", "STRASSE", "straße")
	f.Add("drill night", "d.r.1.l.l d r i l l driiiill p@rty", `(drill~spaced OR p4rty*) -police`)
	f.Add("", "meet at the park tonight #drill @dj 🔫️", `"meet" NEAR/3 tonight #drill @dj 🔫`)
	f.Add("x", strings.Repeat("a.b ", 200), `title:x OR "a b"~nojoin`)
	f.Add("r\u200b\u0430ve", "ra\u00adve\ufeff \U000E0041r\u2060\u043eoad", "r\u0430ve OR \"r\u200dave road\"")
	f.Fuzz(func(t *testing.T, title, text, term string) {
		checkQuery(t, title, text, term)
		m, err := match.Compile([]match.List{{ID: "l", Terms: []string{term}}})
		if err != nil {
			return
		}
		doc := match.Doc{Title: title, Text: text}
		res := m.Match(doc)
		if len(res) > 1 {
			t.Fatalf("%d results for one list", len(res))
		}
		if len(res) == 0 {
			return
		}
		if !reflect.DeepEqual(res[0].Terms, []string{term}) || len(res[0].Spans) == 0 {
			t.Fatalf("result %+v", res[0])
		}
		want, _ := match.Compile([]match.List{{ID: "l", Terms: []string{term}}})
		for i, s := range res[0].Spans {
			src := text
			if s.Field == match.FieldTitle {
				src = title
			}
			if s.Start < 0 || s.End > len(src) || s.Start >= s.End {
				t.Fatalf("span %+v out of %q", s, src)
			}
			sub := src[s.Start:s.End]
			if r, _ := utf8.DecodeRuneInString(sub); r == utf8.RuneError {
				t.Fatalf("span %+v does not start on a word rune", s)
			}
			// The matched text, searched alone, matches the term from its start.
			again := want.Match(match.Doc{Text: sub})
			if len(again) == 0 || again[0].Spans[0].Start != 0 {
				t.Fatalf("span %q does not match %q by itself", sub, term)
			}
			if i > 0 && slices.CompareFunc(res[0].Spans[i-1:i], res[0].Spans[i:i+1], cmpSpan) > 0 {
				t.Fatalf("spans not sorted: %+v", res[0].Spans)
			}
		}
	})
}

// checkQuery checks, for any query that parses, that matching does not
// panic and reports terms of the query and sorted spans inside the text.
func checkQuery(t *testing.T, title, text, query string) {
	q, err := match.Parse(query)
	if err != nil {
		return
	}
	m, err := match.Compile([]match.List{{ID: "q", Query: query}})
	if err != nil {
		t.Fatalf("Parse accepts %q, Compile refuses it: %v", query, err)
	}
	doc := match.Doc{Title: title, Text: text, Author: text, URL: title}
	res := m.Match(doc)
	if len(res) > 1 {
		t.Fatalf("%d results for one list", len(res))
	}
	if len(res) == 0 {
		return
	}
	for _, term := range res[0].Terms {
		if !slices.Contains(q.Terms(), term) {
			t.Fatalf("result term %q is not a term of %q", term, query)
		}
	}
	fields := map[string]string{match.FieldTitle: title, match.FieldText: text, match.FieldAuthor: text, match.FieldURL: title}
	for i, s := range res[0].Spans {
		src, ok := fields[s.Field]
		if !ok || s.Start < 0 || s.End > len(src) || s.Start >= s.End {
			t.Fatalf("span %+v out of its field", s)
		}
		if i > 0 && slices.CompareFunc(res[0].Spans[i-1:i], res[0].Spans[i:i+1], cmpSpan) > 0 {
			t.Fatalf("spans not sorted: %+v", res[0].Spans)
		}
	}
}

func cmpSpan(a, b match.Span) int {
	rank := func(f string) int { return strings.Index("title text author url", f) }
	switch {
	case rank(a.Field) != rank(b.Field):
		return rank(a.Field) - rank(b.Field)
	case a.Start != b.Start:
		return a.Start - b.Start
	default:
		return a.End - b.End
	}
}

// TestConcurrentMatch runs one matcher from several goroutines, as the
// pipeline does; under -race it shows the matcher shares no state.
func TestConcurrentMatch(t *testing.T) {
	m, err := match.Compile([]match.List{
		{ID: "a", Query: `(drill* OR "free party") -police`},
		{ID: "b", Query: `meet NEAR/3 tonight`, Severity: match.SeverityHigh},
		{ID: "c", Terms: []string{"rave", "和平"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	docs := []match.Doc{
		{Title: "Drill night", Text: strings.Repeat("meet at the park tonight, free party, d.r.i.l.l ", 20)},
		{Text: strings.Repeat("rave 和平鸽 police drilling ", 30)},
		{Text: "nothing here"},
	}
	want := make([][]match.Result, len(docs))
	for i, d := range docs {
		want[i] = m.Match(d)
	}
	errs := make(chan string, 4)
	for range 4 {
		go func() {
			for n := range 200 {
				i := n % len(docs)
				if got := m.Match(docs[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("doc %d: %+v, want %+v", i, got, want[i])
					return
				}
			}
			errs <- ""
		}()
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}

// A hit's terms and spans are those of the clauses that matched, not
// every word of the query found in the item.
func TestMatchedClausesOnly(t *testing.T) {
	for _, c := range []struct {
		query, text string
		terms       string // | between; "-" for no hit
	}{
		{`(drill AND grime) OR rave`, "drill rave", "rave"},
		{`rave OR (drill AND grime)`, "rave and drill", "rave"},
		{`(drill AND grime) OR rave`, "drill grime rave", "drill|grime|rave"},
		{`(drill AND grime) OR rave`, "drill grime", "drill|grime"},
		{`(drill AND grime) OR rave`, "drill", "-"},
		{`party (tonight OR "this weekend")`, "party tonight, this week", "party|tonight"},
		{`"free party" -police`, "free party police", "-"},
		{`"free party" -police`, "free party", `"free party"`},
		{`NOT (NOT rave OR NOT party)`, "rave party", "rave|party"},
		{`(meet NEAR/2 tonight) OR gig`, "meet someone tonight gig", "meet|tonight|gig"},
		{`(meet NEAR/1 tonight) OR gig`, "meet a lot of people tonight gig", "gig"},
	} {
		m, err := match.Compile([]match.List{{ID: "l", Query: c.query}})
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		rs := m.Match(match.Doc{Text: c.text})
		got := "-"
		if len(rs) == 1 {
			got = strings.Join(rs[0].Terms, "|")
			for _, s := range rs[0].Spans {
				w := c.text[s.Start:s.End]
				found := false
				for _, term := range rs[0].Terms {
					found = found || strings.EqualFold(strings.Trim(term, `"`), w)
				}
				if !found {
					t.Errorf("%s in %q: span %q is of no matched term", c.query, c.text, w)
				}
			}
		}
		if got != c.terms {
			t.Errorf("%s in %q: terms %q, want %q", c.query, c.text, got, c.terms)
		}
	}
}
