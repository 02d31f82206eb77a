package match

import "strings"

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
		if len(words) > 0 {
			parts = append(parts, `"`+strings.Join(words, " ")+`"`)
		}
	}
	return strings.Join(parts, " OR ")
}
