package match

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mtibben/confusables"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// runeFlags classify a rune for the tokenizer and the folder.
type runeFlags uint8

const (
	rWord   runeFlags = 1 << iota // letter, digit or mark: part of a word
	rLetter                       // a letter (the '$' and join rules need one)
	rCJK                          // written without spaces: a word by itself
	rEmoji                        // a pictograph: a token by itself
	rDrop                         // folds to nothing wherever it stands
	rSlow                         // its fold depends on its neighbours: fold the whole token
	rIdent                        // folds to itself
	rExtend                       // a mark or modifier letter: extends a CJK rune
)

type runeInfo struct {
	flags runeFlags
	fold  string // the rune's fold when it is neither rIdent nor rDrop
}

// runeTable holds the class and fold of the runes most text is made of, so
// that tokenizing and folding rarely call into x/text, which allocates. It is
// derived from Unicode data alone and never changes once built, like the
// unicode package's own tables.
type runeTable struct {
	low  [lowLimit]runeInfo // U+0000 to U+30FF: Latin to kana
	wide [0x100]runeInfo    // U+FF00 to U+FFFF: full and halfwidth forms
}

const lowLimit = 0x3100

var sharedRuneTable = sync.OnceValue(buildRuneTable)

func buildRuneTable() *runeTable {
	t := &runeTable{}
	f := newFolder()
	for r := rune(0); r < lowLimit; r++ {
		t.low[r] = f.classify(r)
	}
	for r := rune(0xFF00); r <= 0xFFFF; r++ {
		t.wide[r-0xFF00] = f.classify(r)
	}
	return t
}

// info returns the class and fold of r.
func (t *runeTable) info(r rune) runeInfo {
	switch {
	case r < lowLimit:
		return t.low[r]
	case r >= 0xFF00 && r <= 0xFFFF:
		return t.wide[r-0xFF00]
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF:
		// CJK unified ideographs fold to themselves.
		return runeInfo{flags: rWord | rLetter | rCJK | rIdent}
	case r >= 0xAC00 && r <= 0xD7A3:
		// Precomposed Hangul syllables fold to themselves.
		return runeInfo{flags: rWord | rLetter | rIdent}
	case isDropped(r):
		return runeInfo{flags: rDrop}
	case isEmoji(r):
		return runeInfo{flags: rEmoji | rIdent}
	}
	fl := classFlags(r)
	if fl&rWord != 0 {
		fl |= rSlow
	}
	return runeInfo{flags: fl}
}

func classFlags(r rune) runeFlags {
	var fl runeFlags
	if unicode.In(r, unicode.L, unicode.N, unicode.M) {
		fl |= rWord
	}
	if unicode.IsLetter(r) {
		fl |= rLetter
	}
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
		fl |= rCJK
	}
	if unicode.In(r, unicode.M, unicode.Lm) {
		fl |= rExtend
	}
	return fl
}

// isEmoji reports whether r is a pictograph: the emoji blocks and the older
// symbol blocks that emoji were drawn from.
func isEmoji(r rune) bool {
	switch {
	case r >= 0x1F3FB && r <= 0x1F3FF: // skin tones modify the emoji before them
		return false
	case r >= 0x1F000 && r <= 0x1FAFF, r >= 0x2600 && r <= 0x27BF,
		r >= 0x2B00 && r <= 0x2BFF, r >= 0x2300 && r <= 0x23FF:
		return unicode.In(r, unicode.So, unicode.Sk)
	}
	return false
}

// isDropped matches what writers add or leave out freely and what only
// changes how a glyph is drawn: variation selectors (U+FE00..FE0F), emoji
// skin tones, Arabic tatweel (U+0640) and short vowel marks (U+064B..U+0652),
// and what is not drawn at all (isIgnorable), which hides a word from a
// matcher that reads it.
func isDropped(r rune) bool {
	return r >= 0xFE00 && r <= 0xFE0F || r >= 0x1F3FB && r <= 0x1F3FF ||
		r == 0x0640 || r >= 0x064B && r <= 0x0652 || isIgnorable(r)
}

// isIgnorable reports whether r is a Default_Ignorable_Code_Point (UAX #44:
// Other_Default_Ignorable_Code_Point, format characters and variation
// selectors, less white space, the interlinear annotation characters, the
// Egyptian format controls and the prepended concatenation marks): zero-width
// spaces and joiners, the word joiner, the byte order mark, the soft hyphen,
// direction marks and overrides, tag characters, Hangul fillers.
func isIgnorable(r rune) bool {
	if r < 0xAD {
		return false
	}
	if !unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Cf, unicode.Variation_Selector) {
		return false
	}
	return !unicode.In(r, unicode.White_Space, unicode.Prepended_Concatenation_Mark) &&
		!(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F)
}

// isContextual reports whether NFKC may merge r with the rune before it, so
// that r cannot be folded alone: combining marks, conjoining and compatibility
// Hangul jamo, and the halfwidth kana voicing marks.
func isContextual(r rune) bool {
	return unicode.Is(unicode.M, r) ||
		r >= 0x1100 && r <= 0x11FF || r >= 0x3130 && r <= 0x318F ||
		r == 0xFF9E || r == 0xFF9F || r >= 0xFFA0 && r <= 0xFFDC
}

// folder folds words: NFKC (width and compatibility forms), full case
// folding, and without diacritics on Latin, Greek and Cyrillic letters. It
// holds a cases.Caser, which is stateful, so each goroutine needs its own.
type folder struct {
	caser cases.Caser
}

func newFolder() *folder { return &folder{caser: cases.Fold()} }

func (f *folder) classify(r rune) runeInfo {
	if isDropped(r) {
		return runeInfo{flags: rDrop}
	}
	if isEmoji(r) {
		return runeInfo{flags: rEmoji | rIdent}
	}
	fl := classFlags(r)
	if fl&rWord == 0 {
		return runeInfo{flags: fl}
	}
	if isContextual(r) {
		return runeInfo{flags: fl | rSlow}
	}
	s := f.fold(string(r), false)
	if s == string(r) {
		return runeInfo{flags: fl | rIdent}
	}
	if s == "" {
		return runeInfo{flags: fl | rDrop}
	}
	return runeInfo{flags: fl, fold: s}
}

// fold folds a whole word. keepAccents leaves diacritics on.
func (f *folder) fold(s string, keepAccents bool) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	s = norm.NFKC.String(s)
	s = f.caser.String(s)
	s = norm.NFKC.String(s)
	if strings.ContainsFunc(s, isDropped) {
		s = strings.Map(func(r rune) rune {
			if isDropped(r) {
				return -1
			}
			return r
		}, s)
	}
	s = skeletonLetters(s)
	if !keepAccents {
		s = stripAccents(s)
	}
	return s
}

// skeletonLetters replaces each letter outside ASCII that is confusable with
// another (Cyrillic а with Latin a, Greek ο with o) by its prototype, the
// skeleton of Unicode Technical Standard #39, lower-cased. ASCII letters stay
// as they are: their own confusables (rn for m, l for I) are the spelling
// games the substitutes handle. Only Latin prototypes are taken: the trick
// is passing a word off as Latin, and scripts such as Han and Hangul have
// look-alikes among themselves that writers do not swap. Terms and texts
// are folded alike, so a term typed with a Cyrillic letter matches its Latin
// look-alike too.
func skeletonLetters(s string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	changed := false
	for i, r := range s {
		sk, ok := prototype(r)
		if !ok {
			if changed {
				b.WriteRune(r)
			}
			continue
		}
		if !changed {
			b.Grow(len(s))
			b.WriteString(s[:i])
			changed = true
		}
		b.WriteString(sk)
	}
	if !changed {
		return s
	}
	return norm.NFC.String(b.String())
}

// prototype returns the lower-cased skeleton of a letter outside ASCII, when
// it differs from the letter itself.
func prototype(r rune) (string, bool) {
	if r < utf8.RuneSelf || !unicode.IsLetter(r) {
		return "", false
	}
	one := string(r)
	sk := confusables.Skeleton(one)
	if sk == norm.NFD.String(one) {
		return "", false
	}
	sk = strings.ToLower(sk)
	for _, p := range sk {
		if !unicode.Is(unicode.Latin, p) && !unicode.Is(unicode.M, p) {
			return "", false
		}
	}
	return sk, true
}

// strokeLetters are Latin letters whose diacritic is part of the glyph, so
// that Unicode does not decompose them.
var strokeLetters = strings.NewReplacer("ł", "l", "ø", "o", "đ", "d", "ħ", "h", "ŧ", "t", "ı", "i", "ŀ", "l", "ƶ", "z", "ƀ", "b")

// stripAccents removes combining marks that follow a Latin, Greek or
// Cyrillic letter, and the stroke of ł, ø and the like. Marks in other
// scripts carry meaning (kana voicing, Indic vowels), so they stay.
func stripAccents(s string) string {
	if isASCII(s) {
		return s
	}
	s = strokeLetters.Replace(s)
	d := norm.NFD.String(s)
	var b strings.Builder
	stripping := false
	changed := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			if stripping {
				changed = true
				continue
			}
		} else {
			stripping = unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic)
		}
		b.WriteRune(r)
	}
	if !changed {
		return s
	}
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
