// Package match finds what watch lists look for in text: terms, phrases,
// wildcards and hashtags combined with AND, OR, NOT and NEAR, through the
// folding and spelling games that gang and drill-scene posts play
// (docs/watchlists.md). All lists are compiled into one automaton, so the
// cost of a text hardly depends on how many lists there are. The package is
// pure (strings in, matches out) and imports nothing of the project.
package match

import (
	"errors"
	"fmt"
	"sync"
)

// Field names used in Span.
const (
	FieldTitle  = "title"
	FieldText   = "text"
	FieldAuthor = "author"
	FieldURL    = "url"
)

// Severities a list may carry; alert rules act on them. An empty severity
// is routine.
const (
	SeverityCritical = "critical"
	SeverityHigh     = "high"
	SeverityRoutine  = "routine"
)

// List is a watch list. When Query is set it is what the list looks for
// (docs/watchlists.md); otherwise the list matches any of its Terms, each a
// word or a phrase, optionally in double quotes. Setting both is an error
// (ErrQueryAndTerms); a list with neither matches nothing.
type List struct {
	ID       string
	Terms    []string
	Query    string
	Severity string // critical, high or routine (the default)
}

// Doc is the text to search. Terms without a field scope are looked for in
// Title and Text; author: and url: terms in Author and URL.
type Doc struct {
	Title, Text string
	Author, URL string
}

// Span is a matched byte range [Start, End) of one Doc field.
type Span struct {
	Field string
	Start int
	End   int
}

// Result is what one list found in a Doc.
type Result struct {
	ListID   string
	Severity string
	Terms    []string // matched terms as written in the list, unique, in list order; negated terms are not reported
	Spans    []Span   // by field (title, text, author, url), then start, then end
	// Score ranks results of one list: the sum over matched terms of the
	// term's word count times 1 + ln(occurrences), half as much again for a
	// term found in the title.
	Score float64
}

// Matcher is a compiled set of lists. It is safe for concurrent use.
type Matcher struct {
	rt      *runeTable
	auto    *automaton
	vocab   []vocabWord
	byFirst [][]int32 // vocabulary word → terms that start with it
	terms   []cterm
	lists   []clist
	fields  fieldMask // the fields any term looks in
	spaced  bool      // some term allows spaced-out spelling
	accents bool      // some term keeps diacritics
	pool    sync.Pool // *scratch
}

// vocabWord is a word of some term, as the verifier checks it.
type vocabWord struct {
	plain    []rune      // folded, without diacritics
	runs     []letterRun // plain, in runs
	accRuns  []letterRun // folded with diacritics, for fAccents
	prefix   bool
	flags    wordFlags
	skeleton []byte
}

// cterm is a compiled term of one list.
type cterm struct {
	list     int32
	src      string
	words    []int32 // vocabulary ids
	field    fieldMask
	mark     tokFlags
	emoji    bool
	positive bool // appears outside NOT
}

type clist struct {
	id, severity string
	root         *enode // nil: matches nothing
	terms        []int32
}

// enode is a node of a compiled query.
type enode struct {
	kind nodeKind
	kids []*enode
	term int32
	dist int
}

// Compile checks and compiles lists. The error joins every problem found;
// each is a *TermError, a *QueryError (whose Err holds the position), or
// wraps ErrEmptyListID, ErrDuplicateListID, ErrQueryAndTerms or ErrSeverity.
func Compile(lists []List) (*Matcher, error) {
	b := newBuilder()
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
		sev := l.Severity
		switch sev {
		case "":
			sev = SeverityRoutine
		case SeverityCritical, SeverityHigh, SeverityRoutine:
		default:
			errs = append(errs, fmt.Errorf("watch list %q: severity %q: %w", l.ID, l.Severity, ErrSeverity))
		}
		root, err := listQuery(b.tz, l)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		b.addList(l.ID, sev, root)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return b.build(), nil
}

// listQuery returns a list's query tree: its Query, or the OR of its Terms.
func listQuery(tz tokenizer, l List) (*node, error) {
	if l.Query != "" {
		if len(l.Terms) > 0 {
			return nil, fmt.Errorf("watch list %q: %w", l.ID, ErrQueryAndTerms)
		}
		root, perr := parse(l.Query)
		if perr != nil {
			return nil, &QueryError{ListID: l.ID, Query: l.Query, Err: perr}
		}
		return root, nil
	}
	var errs []error
	or := &node{kind: nodeOr}
	for ti, raw := range l.Terms {
		t, err := legacyTerm(tz, raw)
		if err != nil {
			errs = append(errs, &TermError{ListID: l.ID, Index: ti, Term: raw, Err: err})
			continue
		}
		or.kids = append(or.kids, &node{kind: nodeTerm, term: t})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(or.kids) == 0 {
		return nil, nil
	}
	return or, nil
}
