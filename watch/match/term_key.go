package match

import (
	"strings"
	"unicode"
)

// TermKey is a term's identity, for counting its hits across edits of its
// list: the term as written without its quotes, its spaces collapsed and
// its letters in lower case, since none of that changes what it finds.
// So pull up, "pull up" and "Pull  Up" are one term, written in a terms
// list or in a query; drill* and drill~exact stay apart from drill.
func TermKey(term string) string {
	f := strings.FieldsFunc(strings.ReplaceAll(term, `"`, ""), unicode.IsSpace)
	return strings.ToLower(strings.Join(f, " "))
}
