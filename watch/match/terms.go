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

// parseTerm strips the optional surrounding quotes and splits the term into
// normalised words.
func (n *normalizer) parseTerm(raw string) ([]string, error) {
	s := strings.TrimSpace(raw)
	if q := strings.Count(s, `"`); q > 0 {
		// Quotes are reserved for the future query language: only a pair
		// around the whole term is accepted now.
		if q != 2 || len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
			return nil, ErrUnbalancedQuote
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if s == "" {
		return nil, ErrEmptyTerm
	}
	toks := n.tokenize(s)
	if len(toks) == 0 || !strings.ContainsFunc(s, isLetterOrDigit) {
		return nil, ErrNoWords
	}
	words := make([]string, len(toks))
	for i, t := range toks {
		words[i] = t.norm
	}
	return words, nil
}

func isLetterOrDigit(r rune) bool { return unicode.In(r, unicode.L, unicode.N) }
