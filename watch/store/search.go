package store

import (
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch"
)

// SearchTerm is one part of a search as a person typed it: a word or a
// quoted phrase (Words), whether its last word is a prefix, and whether it
// must be absent (typed with a leading -).
type SearchTerm struct {
	Words   []string
	Prefix  bool
	Exclude bool
}

// maxSearchTerms caps the terms of one search, so no input costs more
// than a bounded query.
const maxSearchTerms = 16

// ParseSearch reads what a person typed into a search box: words (each a
// prefix: "part" finds party), "quoted phrases" (the words side by side,
// the last a prefix only if written with *), and -word or -"a phrase",
// which must not be in the item (exactly that word, or a prefix if written
// -word*). Words are cut at anything that is not a letter or a digit, as
// the index cuts them; nothing typed is an operator but the quotes, the
// leading - and a trailing *.
func ParseSearch(q string) []SearchTerm {
	var out []SearchTerm
	rs := []rune(q)
	add := func(t SearchTerm) {
		if len(t.Words) > 0 && len(out) < maxSearchTerms {
			out = append(out, t)
		}
	}
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		exclude := false
		if rs[i] == '-' && i+1 < len(rs) && (rs[i+1] == '"' || isWordRune(rs[i+1])) {
			exclude = true
			i++
		}
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			words, prefix := searchWords(rs[i+1 : j])
			add(SearchTerm{Words: words, Prefix: prefix, Exclude: exclude})
			i = j + 1
			continue
		}
		j := i
		for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' {
			j++
		}
		words, prefix := searchWords(rs[i:j])
		i = j
		if exclude {
			// -bit.ly excludes the phrase "bit ly"
			add(SearchTerm{Words: words, Prefix: prefix, Exclude: true})
			continue
		}
		for _, w := range words {
			add(SearchTerm{Words: []string{w}, Prefix: true})
		}
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }

// searchWords cuts rs into words and says whether the last is followed
// by a * (a prefix).
func searchWords(rs []rune) ([]string, bool) {
	var words []string
	prefix := false
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		words = append(words, string(rs[i:j]))
		prefix = j < len(rs) && rs[j] == '*'
		i = j
	}
	return words, prefix
}

// ftsQuery turns what a person typed into an FTS5 MATCH expression: every
// term a quoted string (a phrase when it holds several words), followed by
// * when its last word is a prefix, the wanted ones all required, each
// excluded one after a NOT. Operators and punctuation typed by the person
// are not passed through, so no input can make the query fail or widen it.
// A search with nothing wanted (only exclusions) is "": it finds nothing.
func ftsQuery(q string) string {
	var want, not []string
	for _, t := range ParseSearch(q) {
		s := `"` + strings.Join(t.Words, " ") + `"`
		if t.Prefix {
			s += " *"
		}
		if t.Exclude {
			not = append(not, s)
		} else {
			want = append(want, s)
		}
	}
	if len(want) == 0 {
		return ""
	}
	m := strings.Join(want, " ")
	if len(not) > 0 {
		m = "(" + m + ") NOT " + strings.Join(not, " NOT ")
	}
	return m
}

// Search returns a board's hits whose item's title, text or author has
// every wanted term of q and no excluded one (ParseSearch), newest first.
func (s *Store) Search(ctx context.Context, board, q string, limit int) ([]watch.HitView, error) {
	m := ftsQuery(q)
	if m == "" {
		return []watch.HitView{}, nil
	}
	where, args := boardFilter(board, "h.operations")
	// Newest first by the index's own rowid order, which is the items'
	// order and so their hits' (an item's hits are written with it): the
	// full-text index is read newest first and the query stops at limit,
	// instead of joining and sorting every match of a common word. Each
	// match's hits (small rows) are read and filtered by board before its
	// item (a large row) is: a board's search does not read the items of
	// every other board's matches.
	out, err := s.hitsWithAnnotations(ctx, s.r, "search", `SELECT `+hitColumns+` FROM items_fts
		CROSS JOIN hits h ON h.item_id = items_fts.rowid CROSS JOIN items i ON i.id = h.item_id
		WHERE items_fts MATCH ? AND `+where+` ORDER BY items_fts.rowid DESC LIMIT ?`, append(append([]any{m}, args...), limit)...)
	if err != nil {
		return nil, err
	}
	terms := ParseSearch(q)
	for i := range out {
		// a result shows where the search found it, not the watch list
		out[i].Spans = append(searchSpans(terms, "title", out[i].Item.Title),
			searchSpans(terms, "text", out[i].Item.Text)...)
		if out[i].Spans == nil {
			out[i].Spans = []watch.Span{}
		}
	}
	return out, nil
}

// searchSpans are where the wanted terms of a search are in one field of
// an item, so a result shows what was searched for, highlighted. Words are
// compared as the index compares them, without case.
func searchSpans(terms []SearchTerm, field, text string) []watch.Span {
	type word struct {
		start, end int
		w          string
	}
	var words []word
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += n
		}
		words = append(words, word{i, j, strings.ToLower(text[i:j])})
		i = j
	}
	var spans []watch.Span
	for _, t := range terms {
		if t.Exclude {
			continue
		}
		n := len(t.Words)
	next:
		for i := 0; i+n <= len(words); i++ {
			for k, w := range t.Words {
				got, want := words[i+k].w, strings.ToLower(w)
				if k == n-1 && t.Prefix {
					if !strings.HasPrefix(got, want) {
						continue next
					}
				} else if got != want {
					continue next
				}
			}
			spans = append(spans, watch.Span{Field: field, Start: words[i].start, End: words[i+n-1].end})
		}
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].Start < spans[b].Start })
	// overlapping spans (a word and a phrase holding it) become one
	var out []watch.Span
	for _, s := range spans {
		if k := len(out) - 1; k >= 0 && s.Start < out[k].End {
			out[k].End = max(out[k].End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}
