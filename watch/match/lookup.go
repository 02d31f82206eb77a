package match

import (
	"slices"
	"unicode/utf8"
)

// maxWordBytes bounds the words looked up: no term is longer, and folding
// and checking a run of thousands of letters and marks would only cost.
const maxWordBytes = 256

// lookToken walks a token through the automaton and keeps the words it
// verifies.
func (m *Matcher) lookToken(sc *scratch, s string, tok token) {
	if tok.end-tok.start > maxWordBytes {
		return
	}
	w := &sc.w
	w.reset()
	var folded []rune
	if tok.flags&tokASCII != 0 {
		w.walkASCII(s[tok.start:tok.end])
	} else if tok.flags&tokSlow != 0 {
		folded = m.foldToken(sc, s, tok, false, sc.runes[:0])
		sc.runes = folded
		for _, r := range folded {
			if !w.feed(r) {
				break
			}
		}
	} else if !m.walkRunes(w, s[tok.start:tok.end]) {
		return
	}
	var exact []int32
	if !m.auto.dead(w.st) {
		exact = m.auto.exact(w.st)
	}
	if len(exact) == 0 && len(w.prefixStates) == 0 {
		return
	}
	if folded == nil {
		folded = m.foldToken(sc, s, tok, false, sc.runes[:0])
		sc.runes = folded
	}
	sc.acc = sc.acc[:0]
	sc.toks = append(sc.toks[:0], tok)
	h := hit{start: tok.start, stop: tok.end, flags: tok.flags, emoji: tok.kind == kindEmoji}
	for _, id := range exact {
		if m.verify(sc, id, folded, s, sc.toks) {
			h.vocab = id
			sc.hits = append(sc.hits, h)
		}
	}
	for _, st := range w.prefixStates {
		for _, id := range m.auto.prefixes(st) {
			if m.verify(sc, id, folded, s, sc.toks) {
				h.vocab = id
				sc.hits = append(sc.hits, h)
			}
		}
	}
}

// walkRunes walks a token whose runes fold one by one, folding only as far
// as the walk goes, and reports whether it may have found something.
func (m *Matcher) walkRunes(w *walker, text string) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if asciiClass[c]&aJoin == 0 && !w.feed(rune(toLowerASCII(c))) {
				return len(w.prefixStates) > 0
			}
			continue
		}
		var inf runeInfo
		r, ok := twoByte(text, i)
		if ok {
			i += 2
			inf = m.rt.low[r]
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(text[i:])
			i += n
			inf = m.rt.info(r)
		}
		switch {
		case inf.flags&rDrop != 0:
		case inf.flags&rIdent != 0:
			if !w.feed(r) {
				return len(w.prefixStates) > 0
			}
		default:
			for _, fr := range inf.fold {
				if !w.feed(fr) {
					return len(w.prefixStates) > 0
				}
			}
		}
	}
	return true
}

// verify checks a word of the text against vocabulary word id, with the
// word's options. toks are the tokens the word was read from: one, or
// several single letters spelled out with spaces.
func (m *Matcher) verify(sc *scratch, id int32, folded []rune, s string, toks []token) bool {
	v := &m.vocab[id]
	spaced := len(toks) > 1
	if spaced && v.flags&fSpaced == 0 || v.flags&fNoJoin != 0 && toks[0].flags&tokJoined != 0 {
		return false
	}
	if v.flags&fAccents == 0 && len(folded) >= len(v.plain) && (v.prefix || len(folded) == len(v.plain)) && slices.Equal(folded[:len(v.plain)], v.plain) {
		return true // spelled as the term is: the usual case
	}
	runs := v.runs
	if v.flags&fAccents != 0 {
		if len(sc.acc) == 0 {
			for _, t := range toks {
				sc.acc = m.foldToken(sc, s, t, true, sc.acc)
			}
		}
		folded, runs = sc.acc, v.accRuns
	}
	return sc.v.match(folded, runs, v.prefix, v.flags&fNoSubs == 0, v.flags&fNoRepeat == 0)
}

// foldToken appends the folded runes of a token to buf: separators of a
// joined word dropped, '#' and '@' prefixes not part of it.
func (m *Matcher) foldToken(sc *scratch, s string, tok token, keepAccents bool, buf []rune) []rune {
	text := s[tok.start:tok.end]
	if tok.flags&tokASCII != 0 {
		for i := 0; i < len(text); i++ {
			if c := text[i]; asciiClass[c]&aJoin == 0 {
				buf = append(buf, rune(toLowerASCII(c)))
			}
		}
		return buf
	}
	if tok.flags&tokSlow != 0 || keepAccents {
		letters := text
		if tok.flags&tokJoined != 0 {
			b := make([]byte, 0, len(text))
			for i := 0; i < len(text); i++ {
				if text[i] >= utf8.RuneSelf || asciiClass[text[i]]&aJoin == 0 {
					b = append(b, text[i])
				}
			}
			letters = string(b)
		}
		for _, r := range sc.f.fold(letters, keepAccents) {
			buf = append(buf, r)
		}
		return buf
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if asciiClass[c]&aJoin == 0 {
				buf = append(buf, rune(toLowerASCII(c)))
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(text[i:])
		i += w
		inf := m.rt.info(r)
		switch {
		case inf.flags&rDrop != 0:
		case inf.flags&rIdent != 0:
			buf = append(buf, r)
		default:
			for _, fr := range inf.fold {
				buf = append(buf, fr)
			}
		}
	}
	return buf
}
