package match_test

import (
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch/match"
)

// The property test compares Match with a naive reference built on regexp,
// over random texts from an alphabet where simple case folding (what (?i)
// does) and the matcher's folding agree: no ß, no compatibility forms, no
// lone combining marks.
var (
	textAlphabet = []string{"a", "b", "A", "B", "é", "É", "ü", "1", "中", "文", " ", ",", "\n", "-", "🎉"}
	latinLetters = []string{"a", "b", "A", "B", "é", "É", "ü", "1"}
	cjkWords     = []string{"中", "文"}
	// nonWordClass is the alphabet's non-word runes: the same as
	// [^\pL\pN\pM] on these texts, and far cheaper to compile.
	nonWordClass = "[ ,\n\\-🎉]"
)

func TestMatchAgainstReference(t *testing.T) {
	sep := regexp.MustCompile("^" + nonWordClass + "$")
	for _, s := range textAlphabet {
		if r, _ := utf8.DecodeRuneInString(s); sep.MatchString(s) == refWord(r) {
			t.Fatalf("nonWordClass disagrees with the alphabet on %q", s)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		lists := randomLists(rng)
		doc := match.Doc{Title: randomText(rng, 12), Text: randomText(rng, 40)}
		m, err := match.Compile(lists)
		if err != nil {
			t.Fatalf("Compile(%q): %v", lists, err)
		}
		got := m.Match(doc)
		want := referenceMatch(lists, doc)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("iteration %d: lists %q, doc %q\n got %+v\nwant %+v", iter, lists, doc, got, want)
		}
	}
}

func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range rng.IntN(n + 1) {
		b.WriteString(textAlphabet[rng.IntN(len(textAlphabet))])
	}
	return b.String()
}

func randomLists(rng *rand.Rand) []match.List {
	lists := make([]match.List, 1+rng.IntN(3))
	for i := range lists {
		lists[i].ID = string(rune('p' + i))
		for range 1 + rng.IntN(3) {
			var words []string
			for range 1 + rng.IntN(3) {
				if rng.IntN(4) == 0 {
					words = append(words, cjkWords[rng.IntN(len(cjkWords))])
					continue
				}
				var w strings.Builder
				for range 1 + rng.IntN(2) {
					w.WriteString(latinLetters[rng.IntN(len(latinLetters))])
				}
				words = append(words, w.String())
			}
			term := strings.Join(words, " ")
			if rng.IntN(3) == 0 {
				term = `"` + term + `"`
			}
			lists[i].Terms = append(lists[i].Terms, term)
		}
	}
	return lists
}

func refWord(r rune) bool { return unicode.In(r, unicode.L, unicode.N, unicode.M) }
func refCJK(r rune) bool  { return unicode.Is(unicode.Han, r) }

// referenceRegexp compiles a term to a regexp anchored at a match start:
// words case-insensitively, separated by at least one non-word rune unless a
// CJK word is on either side.
func referenceRegexp(term string) *regexp.Regexp {
	words := strings.Fields(strings.Trim(term, `"`))
	var b strings.Builder
	b.WriteString("^")
	for i, w := range words {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(words[i-1])
			next, _ := utf8.DecodeRuneInString(w)
			if refCJK(prev) || refCJK(next) {
				b.WriteString(nonWordClass + "*")
			} else {
				b.WriteString(nonWordClass + "+")
			}
		}
		b.WriteString("(?i:" + regexp.QuoteMeta(w) + ")")
	}
	return regexp.MustCompile(b.String())
}

func referenceMatch(lists []match.List, d match.Doc) []match.Result {
	var out []match.Result
	for _, l := range lists {
		r := match.Result{ListID: l.ID}
		for _, term := range l.Terms {
			re := referenceRegexp(term)
			found := false
			for _, f := range []struct{ name, text string }{{"title", d.Title}, {"text", d.Text}} {
				for s := range len(f.text) {
					if !utf8.RuneStart(f.text[s]) {
						continue
					}
					loc := re.FindStringIndex(f.text[s:])
					if loc == nil {
						continue
					}
					e := s + loc[1]
					first, _ := utf8.DecodeRuneInString(f.text[s:])
					last, _ := utf8.DecodeLastRuneInString(f.text[:e])
					if s > 0 {
						prev, _ := utf8.DecodeLastRuneInString(f.text[:s])
						if refWord(prev) && !refCJK(prev) && !refCJK(first) {
							continue
						}
					}
					if e < len(f.text) {
						next, _ := utf8.DecodeRuneInString(f.text[e:])
						if refWord(next) && !refCJK(next) && !refCJK(last) {
							continue
						}
					}
					found = true
					r.Spans = append(r.Spans, match.Span{Field: f.name, Start: s, End: e})
				}
			}
			if found && !slices.Contains(r.Terms, term) {
				r.Terms = append(r.Terms, term)
			}
		}
		if len(r.Terms) == 0 {
			continue
		}
		slices.SortFunc(r.Spans, cmpSpan)
		r.Spans = slices.Compact(r.Spans)
		out = append(out, r)
	}
	return out
}
