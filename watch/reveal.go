package watch

import (
	"strings"
	"unicode/utf8"
)

// revealed names the invisible characters that change how text around them
// reads: direction controls, zero-width characters, the word joiner and
// invisible operators, the byte order mark, the soft hyphen. The browser
// does the same (ui/static/reveal.js); the two lists are one.
var revealed = map[rune]string{
	'\u202a': "[LRE]", '\u202b': "[RLE]", '\u202c': "[PDF]", '\u202d': "[LRO]", '\u202e': "[RLO]",
	'\u2066': "[LRI]", '\u2067': "[RLI]", '\u2068': "[FSI]", '\u2069': "[PDI]", '\u200e': "[LRM]", '\u200f': "[RLM]",
	'\u061c': "[ALM]", '\u200b': "[ZWSP]", '\u200c': "[ZWNJ]", '\u200d': "[ZWJ]", '\u2060': "[WJ]", '\ufeff': "[BOM]",
	'\u00ad': "[SHY]", '\u2061': "[FA]", '\u2062': "[IT]", '\u2063': "[IS]", '\u2064': "[IP]",
}

// RevealedTokens is the list Reveal works from, for tests that hold other
// copies of it to.
func RevealedTokens() map[rune]string {
	out := make(map[rune]string, len(revealed))
	for r, t := range revealed {
		out[r] = t
	}
	return out
}

// Reveal makes direction and invisible characters visible in text from a
// source before a person reads it, so that "safe\u202Egnp.exe" shows as
// "safe[RLO]gnp.exe", not as "safeexe.png": each becomes a token such as
// [RLO]; a tag character (U+E0000..U+E007F, which spells hidden ASCII)
// becomes [TAG x].
func Reveal(s string) string {
	i := strings.IndexFunc(s, isRevealed)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case revealed[r] != "":
			b.WriteString(revealed[r])
		case isTag(r):
			if c := r - 0xE0000; c >= 0x21 && c <= 0x7e {
				b.WriteString("[TAG " + string(c) + "]")
			} else {
				b.WriteString("[TAG]")
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isRevealed(r rune) bool {
	return r >= utf8.RuneSelf && (revealed[r] != "" || isTag(r))
}

func isTag(r rune) bool { return r >= 0xE0000 && r <= 0xE007F }
