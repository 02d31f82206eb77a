package match

import (
	"unicode/utf8"
)

type tokKind uint8

const (
	kindWord  tokKind = iota // letters, digits and marks
	kindCJK                  // one Han or kana rune with its marks
	kindEmoji                // one pictograph with its variation selector or skin tone
)

type tokFlags uint8

const (
	tokHash      tokFlags = 1 << iota // written right after '#'
	tokMention                        // written right after '@'
	tokJoined                         // single letters joined across separators: d.r.i.l.l
	tokASCII                          // every byte is ASCII
	tokSlow                           // holds a rune that folds with its neighbours
	tokSingle                         // one rune: a candidate for spaced-out spelling
	tokSpacedOut                      // a word spelled out with spaces: d r i l l
)

// token is one word of a text: its byte range in the original, which is what
// spans report, without a leading '#' or '@'.
type token struct {
	start, end int
	kind       tokKind
	flags      tokFlags
}

// Bits of asciiClass.
const (
	aWord   = 1 << iota // letter or digit
	aLetter             // letter
	aJoin               // may separate the letters of a spelled-out word
)

// asciiClass classifies ASCII bytes; '@' and '$' are handled apart because
// whether they belong to a word depends on their neighbours.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for b := '0'; b <= '9'; b++ {
		t[b] = aWord
	}
	for b := 'a'; b <= 'z'; b++ {
		t[b] = aWord | aLetter
		t[b-'a'+'A'] = aWord | aLetter
	}
	for _, b := range ".-_*|+" {
		t[b] = aJoin
	}
	return t
}()

// tokenizer splits text into tokens. A word is a run of letters, digits and
// marks; '@' and '$' inside a word stand for letters (p@rty, ca$h), and a '$'
// right before a letter starts a word ($hit). A Han or kana rune is a word by
// itself, so terms in these scripts match wherever they occur; so is an emoji.
// Single letters separated by one of . - _ * | + are joined into one word
// (d.r.i.l.l, U.K). Invalid UTF-8 separates words like punctuation does.
type tokenizer struct {
	rt *runeTable
}

// decode returns the rune at s[i], its size and its info; invalid UTF-8 is a
// separator.
func (tz tokenizer) decode(s string, i int) (rune, int, runeInfo) {
	b := s[i]
	if b < utf8.RuneSelf {
		return rune(b), 1, tz.rt.low[b]
	}
	if r, ok := twoByte(s, i); ok {
		return r, 2, tz.rt.low[r]
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && w <= 1 {
		return r, 1, runeInfo{}
	}
	return r, w, tz.rt.info(r)
}

// twoByte decodes the two-byte UTF-8 sequence at s[i], if there is one: the
// Greek, Cyrillic, Hebrew and Arabic letters and the accented Latin ones,
// most of the non-ASCII text, without a call. Its runes are all below
// lowLimit.
func twoByte(s string, i int) (rune, bool) {
	if b := s[i]; b >= 0xC2 && b <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
		return rune(b&0x1F)<<6 | rune(s[i+1]&0x3F), true
	}
	return 0, false
}

// next returns the first token at or after i and the position after it; ok
// is false when no token is left.
func (tz tokenizer) next(s string, i int) (tok token, after int, ok bool) {
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			c := asciiClass[b]
			if c&aWord != 0 || b == '$' && tz.letterAt(s, i+1) {
				return tz.word(s, i)
			}
			i++
			continue
		}
		_, w, inf := tz.decode(s, i)
		switch {
		case inf.flags&rEmoji != 0:
			end := tz.skipDropped(s, i+w)
			return token{start: i, end: end, kind: kindEmoji, flags: tokSingle}, end, true
		case inf.flags&rCJK != 0:
			end := i + w
			fl := tokSingle
			for end < len(s) {
				_, w2, inf2 := tz.decode(s, end)
				if !extendsCJK(inf2) {
					break
				}
				if inf2.flags&rSlow != 0 {
					fl |= tokSlow
				}
				end += w2
			}
			return token{start: i, end: end, kind: kindCJK, flags: fl}, end, true
		case inf.flags&rWord != 0:
			return tz.word(s, i)
		}
		i += w
	}
	return token{}, len(s), false
}

// extendsCJK reports whether a rune right after a CJK rune belongs to it:
// marks (such as the halfwidth voiced sound mark, which NFKC merges with
// the kana before it) and modifier letters such as the prolonged sound mark.
func extendsCJK(inf runeInfo) bool {
	return inf.flags&rCJK == 0 && inf.flags&(rExtend|rDrop) != 0
}

func (tz tokenizer) skipDropped(s string, i int) int {
	for i < len(s) {
		_, w, inf := tz.decode(s, i)
		if inf.flags&rDrop == 0 {
			break
		}
		i += w
	}
	return i
}

// letterAt reports whether a letter starts at s[i].
func (tz tokenizer) letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	_, _, inf := tz.decode(s, i)
	return inf.flags&rLetter != 0 && inf.flags&rCJK == 0
}

// wordAt reports whether a word rune (not CJK, not emoji) starts at s[i].
func (tz tokenizer) wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	if b := s[i]; b < utf8.RuneSelf {
		return asciiClass[b]&aWord != 0
	}
	_, _, inf := tz.decode(s, i)
	return inf.flags&rWord != 0 && inf.flags&rCJK == 0
}

// wordEnd scans a word from start and returns where it ends, with flags.
func (tz tokenizer) wordEnd(s string, start int) (int, tokFlags) {
	fl := tokASCII
	runes := 0
	i := start
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			switch {
			case asciiClass[b]&aWord != 0, b == '$':
			case b == '@' && i > start && tz.wordAt(s, i+1):
			default:
				goto done
			}
			i++
			runes++
			continue
		}
		w, inf := 2, runeInfo{}
		if r, ok := twoByte(s, i); ok {
			inf = tz.rt.low[r]
		} else {
			_, w, inf = tz.decode(s, i)
		}
		if inf.flags&(rWord|rDrop) == 0 || inf.flags&rCJK != 0 {
			break
		}
		if inf.flags&rSlow != 0 {
			fl |= tokSlow
		}
		if inf.flags&rDrop == 0 {
			runes++
		}
		fl &^= tokASCII
		i += w
	}
done:
	if runes == 1 {
		fl |= tokSingle
	}
	return i, fl
}

// word returns the word starting at start, joining spelled-out letters.
func (tz tokenizer) word(s string, start int) (token, int, bool) {
	end, fl := tz.wordEnd(s, start)
	tok := token{start: start, end: end, kind: kindWord, flags: fl}
	tok.flags |= markBefore(s, start)
	if fl&tokSingle == 0 {
		return tok, end, true
	}
	// Join single letters separated by one separator each: d.r.i.l.l.
	letter := tz.letterAt(s, start)
	joined := tok
	n := 1
	for joined.end+1 < len(s) && s[joined.end] < utf8.RuneSelf && asciiClass[s[joined.end]]&aJoin != 0 && tz.wordAt(s, joined.end+1) {
		e2, fl2 := tz.wordEnd(s, joined.end+1)
		if fl2&tokSingle == 0 {
			break
		}
		letter = letter || tz.letterAt(s, joined.end+1)
		joined.flags &^= tokASCII &^ fl2
		joined.flags |= fl2 & tokSlow
		joined.end = e2
		n++
	}
	if n < 2 || !letter {
		return tok, end, true
	}
	joined.flags = joined.flags&^tokSingle | tokJoined
	return joined, joined.end, true
}

// markBefore is the mark a word starting at start carries: tokHash after a
// '#', tokMention after an '@'.
func markBefore(s string, start int) tokFlags {
	if start > 0 {
		switch s[start-1] {
		case '#':
			return tokHash
		case '@':
			return tokMention
		}
	}
	return 0
}
