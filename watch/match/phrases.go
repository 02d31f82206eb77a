package match

import (
	"cmp"
	"slices"
)

// phrases turns the hits of a field into term occurrences: each term's
// first word, then its other words, each the next word of the text.
func (m *Matcher) phrases(sc *scratch, field int, s string) {
	mask := docFields[field].mask
	for _, h := range sc.hits {
		for _, ti := range m.byFirst[h.vocab] {
			t := &m.terms[ti]
			if t.field&mask == 0 || h.flags&t.mark != t.mark {
				continue
			}
			stop, ok := m.rest(sc, s, t.words[1:], h.emoji, h.stop)
			if !ok {
				continue
			}
			sc.addOccurrence(m, ti, occurrence{field: field, start: h.start, stop: stop})
		}
	}
}

// rest matches words one after the other from the first token of the same
// kind (word or emoji) after byte from, trying every hit there, and returns
// where the phrase ends.
func (m *Matcher) rest(sc *scratch, s string, words []int32, emoji bool, from int) (int, bool) {
	if len(words) == 0 {
		return from, true
	}
	at := m.nextToken(s, from, emoji)
	if at < 0 {
		return 0, false
	}
	i, _ := slices.BinarySearchFunc(sc.hits, at, func(h hit, p int) int { return cmp.Compare(h.start, p) })
	for ; i < len(sc.hits) && sc.hits[i].start == at; i++ {
		h := sc.hits[i]
		if h.vocab != words[0] || h.emoji != emoji {
			continue
		}
		if stop, ok := m.rest(sc, s, words[1:], emoji, h.stop); ok {
			return stop, true
		}
	}
	return 0, false
}

// nextToken returns the start of the first word (or emoji) token at or
// after from, or -1.
func (m *Matcher) nextToken(s string, from int, emoji bool) int {
	tz := tokenizer{rt: m.rt}
	for {
		tok, after, ok := tz.next(s, from)
		if !ok {
			return -1
		}
		if (tok.kind == kindEmoji) == emoji {
			return tok.start
		}
		from = after
	}
}

func (sc *scratch) addOccurrence(m *Matcher, ti int32, o occurrence) {
	o.term = ti
	o.next = -1
	idx := int32(len(sc.occ))
	if sc.termGen[ti] == sc.gen {
		// Occurrences are chained newest first; spans are sorted later.
		o.next = sc.termHead[ti]
	}
	sc.termGen[ti] = sc.gen
	sc.termHead[ti] = idx
	sc.occ = append(sc.occ, o)
	li := m.terms[ti].list
	if sc.listGen[li] != sc.gen {
		sc.listGen[li] = sc.gen
		sc.touched = append(sc.touched, li)
	}
}
