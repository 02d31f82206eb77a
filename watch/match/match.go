// Package match finds watch-list terms in text: case-insensitive, whole-word,
// in any script. It is pure (strings in, matches out) and imports nothing of
// the project.
package match

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Field names used in Span.
const (
	FieldTitle = "title"
	FieldText  = "text"
)

// List is a watch list. A term is a word or a phrase, optionally surrounded
// by double quotes.
type List struct {
	ID    string
	Terms []string
}

// Doc is the text to search.
type Doc struct {
	Title, Text string
}

// Span is a matched byte range [Start, End) of Doc.Title or Doc.Text.
type Span struct {
	Field string
	Start int
	End   int
}

// Result is what one list found in a Doc.
type Result struct {
	ListID string
	Terms  []string // matched terms as written in the list, unique, in list order
	Spans  []Span   // title spans first, then text; by start, then end
}

// Matcher is a compiled set of lists. It is safe for concurrent use.
type Matcher struct {
	lists []list
	// byFirst indexes terms by their first word, so a document is scanned
	// once whatever the number of terms.
	byFirst map[string][]termRef
}

type list struct {
	id    string
	terms []term
}

type term struct {
	raw   string
	words []string
}

type termRef struct{ list, term int }

// Compile checks and compiles lists. The error joins every problem found;
// each is a *TermError or wraps ErrEmptyListID or ErrDuplicateListID.
func Compile(lists []List) (*Matcher, error) {
	n := newNormalizer()
	m := &Matcher{byFirst: make(map[string][]termRef)}
	var errs []error
	seen := make(map[string]bool, len(lists))
	for li, l := range lists {
		switch {
		case l.ID == "":
			errs = append(errs, fmt.Errorf("watch list %d: %w", li+1, ErrEmptyListID))
		case seen[l.ID]:
			errs = append(errs, fmt.Errorf("watch list %q: %w", l.ID, ErrDuplicateListID))
		}
		seen[l.ID] = true
		cl := list{id: l.ID}
		for ti, raw := range l.Terms {
			words, err := n.parseTerm(raw)
			if err != nil {
				errs = append(errs, &TermError{ListID: l.ID, Index: ti, Term: raw, Err: err})
				continue
			}
			ref := termRef{list: len(m.lists), term: len(cl.terms)}
			cl.terms = append(cl.terms, term{raw: raw, words: words})
			m.byFirst[words[0]] = append(m.byFirst[words[0]], ref)
		}
		m.lists = append(m.lists, cl)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return m, nil
}

// Match returns one Result per list with at least one matched term, in list order.
func (m *Matcher) Match(d Doc) []Result {
	n := newNormalizer()
	type found struct {
		terms []bool
		spans []Span
	}
	hits := make(map[int]*found)
	for _, f := range []struct{ name, text string }{{FieldTitle, d.Title}, {FieldText, d.Text}} {
		toks := n.tokenize(f.text)
		for i, tok := range toks {
			for _, ref := range m.byFirst[tok.norm] {
				words := m.lists[ref.list].terms[ref.term].words
				if !wordsAt(toks, i, words) {
					continue
				}
				h := hits[ref.list]
				if h == nil {
					h = &found{terms: make([]bool, len(m.lists[ref.list].terms))}
					hits[ref.list] = h
				}
				h.terms[ref.term] = true
				h.spans = append(h.spans, Span{Field: f.name, Start: tok.start, End: toks[i+len(words)-1].end})
			}
		}
	}

	var out []Result
	for li, l := range m.lists {
		h := hits[li]
		if h == nil {
			continue
		}
		r := Result{ListID: l.id}
		for ti, ok := range h.terms {
			if ok && !slices.Contains(r.Terms, l.terms[ti].raw) {
				r.Terms = append(r.Terms, l.terms[ti].raw)
			}
		}
		// Spans were found title first, then in start order; terms of
		// different lengths starting at one word need the end order too.
		slices.SortStableFunc(h.spans, func(a, b Span) int {
			return cmp.Or(fieldRank(a.Field)-fieldRank(b.Field), a.Start-b.Start, a.End-b.End)
		})
		r.Spans = slices.Compact(h.spans)
		out = append(out, r)
	}
	return out
}

func fieldRank(f string) int {
	if f == FieldTitle {
		return 0
	}
	return 1
}

// wordsAt reports whether toks, from index i, are exactly words.
func wordsAt(toks []token, i int, words []string) bool {
	if i+len(words) > len(toks) {
		return false
	}
	for k, w := range words {
		if toks[i+k].norm != w {
			return false
		}
	}
	return true
}
