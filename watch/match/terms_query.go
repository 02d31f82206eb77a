package match

import (
	"strings"
	"unicode"
)

// plainWord reports whether w reads as itself in a query without quotes:
// letters and digits only, and not an operator.
func plainWord(w string) bool {
	switch {
	case w == "AND" || w == "OR" || w == "NOT" || strings.HasPrefix(w, "NEAR"):
		return false
	}
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			return false
		}
	}
	return w != ""
}

// TermsQuery writes a list's Terms as one query that finds the same
// items: each term as a quoted phrase of its words, joined by OR. Words
// are cut as Terms always were (punctuation and emoji separate them), so
// the phrase holds exactly the words the term is matched by.
func TermsQuery(terms []string) string {
	tz := tokenizer{rt: sharedRuneTable()}
	var parts []string
	for _, raw := range terms {
		s := strings.TrimSpace(raw)
		if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
			s = s[1 : len(s)-1]
		}
		var words []string
		for i := 0; ; {
			tok, after, ok := tz.next(s, i)
			if !ok {
				break
			}
			if tok.kind != kindEmoji {
				words = append(words, s[tok.start:tok.end])
			}
			i = after
		}
		switch {
		case len(words) == 1 && plainWord(words[0]):
			parts = append(parts, words[0]) // rave, not "rave": as a person writes it
		case len(words) > 0:
			parts = append(parts, `"`+strings.Join(words, " ")+`"`)
		}
	}
	return strings.Join(parts, " OR ")
}
