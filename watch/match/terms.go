package match

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Errors reported by Compile, wrapped with the list and term they concern.
var (
	ErrEmptyListID     = errors.New("watch list has no id")
	ErrDuplicateListID = errors.New("watch list id used twice")
	ErrEmptyTerm       = errors.New("empty term")
	ErrUnbalancedQuote = errors.New("unbalanced double quote: quotes may only surround the whole term")
	ErrNoWords         = errors.New("term has no letters or digits")
	ErrQueryAndTerms   = errors.New("watch list has both a query and terms: write the terms into the query")
	ErrSeverity        = errors.New("unknown severity: use critical, high or routine")
)

// TermError is a problem with one term of one list.
type TermError struct {
	ListID string
	Index  int // position of the term in the list, from 0
	Term   string
	Err    error
}

func (e *TermError) Error() string {
	return fmt.Sprintf("watch list %q, term %d (%q): %v", e.ListID, e.Index+1, e.Term, e.Err)
}

func (e *TermError) Unwrap() error { return e.Err }

// QueryError is a problem in a list's query; Err tells where.
type QueryError struct {
	ListID string
	Query  string
	Err    *Error
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("watch list %q, query: %v", e.ListID, e.Err)
}

func (e *QueryError) Unwrap() error { return e.Err }

// legacyTerm turns an entry of List.Terms into a term: a word or a phrase,
// optionally in double quotes, every word required in order. Punctuation
// and emoji separate words here, as they always have for Terms.
func legacyTerm(tz tokenizer, raw string) (*termSpec, error) {
	s := strings.TrimSpace(raw)
	if q := strings.Count(s, `"`); q > 0 {
		if q != 2 || len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
			return nil, ErrUnbalancedQuote
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return nil, ErrEmptyTerm
	}
	t := &termSpec{src: raw, field: inDefault}
	for i := 0; ; {
		tok, after, ok := tz.next(s, i)
		if !ok {
			break
		}
		if tok.kind != kindEmoji {
			t.words = append(t.words, wordSpec{text: s[tok.start:tok.end]})
		}
		i = after
	}
	if len(t.words) == 0 || !strings.ContainsFunc(s, isLetterOrDigit) {
		return nil, ErrNoWords
	}
	return t, nil
}

func isLetterOrDigit(r rune) bool { return unicode.In(r, unicode.L, unicode.N) }
