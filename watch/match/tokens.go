package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// token is one word of a text: its byte range in the original and its
// normalised form, which is what terms are compared against.
type token struct {
	start, end int
	norm       string
}

// isWordRune reports whether r belongs to a word: letters, digits and marks.
func isWordRune(r rune) bool {
	return unicode.In(r, unicode.L, unicode.N, unicode.M)
}

// isCJK reports whether r is written without spaces between words. Each such
// rune is a word of its own, so a term in these scripts matches as a sequence
// of runes wherever it occurs.
func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// extendsCJK reports whether r, right after a CJK rune, belongs to it:
// combining marks and modifier letters such as the halfwidth voiced sound
// mark, which NFKC merges with the kana before it, and the prolonged sound
// mark.
func extendsCJK(r rune) bool {
	return !isCJK(r) && unicode.In(r, unicode.M, unicode.Lm)
}

// normalizer folds case and compatibility forms. It holds a cases.Caser,
// which is stateful, so each goroutine needs its own.
type normalizer struct {
	fold cases.Caser
}

func newNormalizer() *normalizer { return &normalizer{fold: cases.Fold()} }

// normalize maps a word to the form used for comparison: NFKC (so fullwidth,
// halfwidth and ligature forms meet their plain ones), full Unicode case
// folding, and without Arabic tatweel and short vowel marks, which writers
// add or leave out freely.
func (n *normalizer) normalize(word string) string {
	if isASCII(word) {
		// NFKC leaves ASCII alone and folding it is lower-casing.
		return strings.ToLower(word)
	}
	s := norm.NFKC.String(word)
	s = n.fold.String(s)
	s = norm.NFKC.String(s)
	if strings.ContainsFunc(s, isArabicOptional) {
		s = strings.Map(func(r rune) rune {
			if isArabicOptional(r) {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// isArabicOptional matches tatweel (U+0640) and the harakat U+064B..U+0652.
func isArabicOptional(r rune) bool {
	return r == 0x0640 || (r >= 0x064B && r <= 0x0652)
}

// tokenize splits s into words. A word is a run of letters, digits and marks,
// except that a CJK rune (with any marks following it) is a word by itself.
// Invalid UTF-8 separates words like punctuation does.
func (n *normalizer) tokenize(s string) []token {
	var toks []token
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && w <= 1 || !isWordRune(r) {
			i += w
			continue
		}
		start := i
		i += w
		cjk := isCJK(r)
		for i < len(s) {
			r, w := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && w <= 1 {
				break
			}
			if cjk && !extendsCJK(r) || !cjk && (!isWordRune(r) || isCJK(r)) {
				break
			}
			i += w
		}
		if nm := n.normalize(s[start:i]); nm != "" {
			toks = append(toks, token{start: start, end: i, norm: nm})
		}
	}
	return toks
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
