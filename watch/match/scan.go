package match

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// hit is a vocabulary word found at a token (or, spelled out with spaces,
// at a run of single-letter tokens).
type hit struct {
	start, stop int // bytes
	vocab       int32
	flags       tokFlags
	emoji       bool
}

// occurrence is a term found in a field.
type occurrence struct {
	term        int32
	field       int // index in docFields
	start, stop int
	next        int32 // next occurrence of the same term, or -1
}

// scratch is the per-call working memory of Match, pooled so that a
// matcher serving many items allocates little.
type scratch struct {
	f     *folder
	w     walker
	v     verifier
	runes []rune
	acc   []rune
	hits  []hit
	parts [4][]hit // hits of each part of a split scan
	occ   []occurrence
	spans []occurrence // a result's spans before they are sorted
	run   []token
	toks  []token
	texts [len(docFields)]string
	// starts[f] holds where the words of field f start when
	// startsGen[f] == gen (see wordStarts).
	starts    [len(docFields)][]int
	startsGen [len(docFields)]uint32
	// termHead[t] is the first occurrence of term t when termGen[t] == gen.
	termHead []int32
	termGen  []uint32
	listGen  []uint32
	touched  []int32
	gen      uint32
	// creditGen[t] == credit when term t is in a clause that holds, for
	// the list being turned into a result (see credit).
	creditGen []uint32
	credit    uint32
}

func newScratch(m *Matcher) any {
	return &scratch{
		f:         newFolder(),
		w:         walker{a: m.auto},
		termHead:  make([]int32, len(m.terms)),
		termGen:   make([]uint32, len(m.terms)),
		listGen:   make([]uint32, len(m.lists)),
		creditGen: make([]uint32, len(m.terms)),
	}
}

func (sc *scratch) begin() {
	sc.gen++
	if sc.gen == 0 { // wrapped: stamps from long ago could look current
		clear(sc.termGen)
		clear(sc.listGen)
		clear(sc.startsGen[:])
		sc.gen = 1
	}
	sc.occ = sc.occ[:0]
	sc.touched = sc.touched[:0]
}

// scanField finds the terms of every list in one field: the fused scan
// (automaton.go) over the bytes, stopping only at its events.
func (m *Matcher) scanField(sc *scratch, field int, s string) {
	sc.hits = sc.hits[:0]
	if cuts, ok := m.splitPoints(s); ok {
		m.scanFour(sc, s, cuts)
	} else {
		m.scanFrom(sc, s, 0, stBetween, 0)
	}
	if m.spaced && m.spacedOut(sc, s) {
		sortHits(sc.hits)
	}
	m.phrases(sc, field, s)
}

// sortHits puts hits in the order of the text: spelled-out words come in
// out of order.
func sortHits(hits []hit) {
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.stop, b.stop), cmp.Compare(a.vocab, b.vocab))
	})
}

// splitPoints cuts s in four at separators near its quarters; ok is false
// for a short text.
func (m *Matcher) splitPoints(s string) (cuts [5]int, ok bool) {
	const minSplit = 512
	if len(s) < minSplit {
		return cuts, false
	}
	cuts[4] = len(s)
	for q := 1; q < 4; q++ {
		i := max(len(s)*q/4, cuts[q-1])
		for i < len(s) && m.auto.rawClass[s[i]] != clsSep {
			i++
		}
		cuts[q] = i
	}
	return cuts, true
}

// scanFour scans the four parts of s between cuts side by side. A walk
// through the table is a chain of dependent loads, bound by memory latency
// once the automaton outgrows the cache; independent chains overlap their
// waits. Each cut is at a separator, so the parts share no token; each
// part is scanned as a string of its own end, so that no event reads past it.
func (m *Matcher) scanFour(sc *scratch, s string, cuts [5]int) {
	a := m.auto
	next := a.next
	cls := &a.rawClass
	event := a.endRow
	s0, s1, s2 := s[:cuts[1]], s[:cuts[2]], s[:cuts[3]]
	i0, i1, i2, i3 := 0, cuts[1], cuts[2], cuts[3]
	var st0, st1, st2, st3 int32
	f0, f1, f2, f3 := i0, i1, i2, i3 // where each part's current word may start at the earliest
	for i0 < len(s0) && i1 < len(s1) && i2 < len(s2) && i3 < len(s) {
		p0, p1, p2, p3 := st0, st1, st2, st3
		st0 = next[st0+int32(cls[s0[i0]])]
		st1 = next[st1+int32(cls[s1[i1]])]
		st2 = next[st2+int32(cls[s2[i2]])]
		st3 = next[st3+int32(cls[s[i3]])]
		if max(st0, st1, st2, st3) >= event {
			if st0 >= event {
				i0, st0, f0 = m.eventInto(sc, 0, s0, i0, st0, p0, f0)
			}
			if st1 >= event {
				i1, st1, f1 = m.eventInto(sc, 1, s1, i1, st1, p1, f1)
			}
			if st2 >= event {
				i2, st2, f2 = m.eventInto(sc, 2, s2, i2, st2, p2, f2)
			}
			if st3 >= event {
				i3, st3, f3 = m.eventInto(sc, 3, s, i3, st3, p3, f3)
			}
		}
		i0++
		i1++
		i2++
		i3++
	}
	m.scanFromInto(sc, 0, s0, i0, st0, f0)
	m.scanFromInto(sc, 1, s1, i1, st1, f1)
	m.scanFromInto(sc, 2, s2, i2, st2, f2)
	m.scanFromInto(sc, 3, s, i3, st3, f3)
	// The parts follow one another in the text, and the hits of each are
	// in order: one after the other, they are in order.
	for k := range sc.parts {
		sc.hits = append(sc.hits, sc.parts[k]...)
		sc.parts[k] = sc.parts[k][:0]
	}
}

// eventInto is event for part k of a split scan: its hits go to that
// part's list.
func (m *Matcher) eventInto(sc *scratch, k int, s string, i int, st, prev int32, floor int) (int, int32, int) {
	n := len(sc.hits)
	i, st, floor = m.event(sc, s, i, st, prev, floor)
	sc.parts[k] = append(sc.parts[k], sc.hits[n:]...)
	sc.hits = sc.hits[:n]
	return i, st, floor
}

// scanFromInto is scanFrom for part k of a split scan.
func (m *Matcher) scanFromInto(sc *scratch, k int, s string, i int, st int32, floor int) {
	n := len(sc.hits)
	m.scanFrom(sc, s, i, st, floor)
	sc.parts[k] = append(sc.parts[k], sc.hits[n:]...)
	sc.hits = sc.hits[:n]
}

// scanFrom runs the fused scan over s from i in state st to the end. No
// word starts before floor: the text before it went through the tokenizer.
func (m *Matcher) scanFrom(sc *scratch, s string, i int, st int32, floor int) {
	a := m.auto
	next := a.next
	cls := &a.rawClass
	event := a.endRow
	for ; i < len(s); i++ {
		prev := st
		st = next[st+int32(cls[s[i]])]
		if st >= event {
			i, st, floor = m.event(sc, s, i, st, prev, floor)
		}
	}
	if st < event && a.cand[st/a.k] {
		m.asciiWord(sc, s, len(s), floor)
	}
}

// event handles the scan stopping at s[i] in state st, coming from prev;
// it returns the last byte consumed, the state to go on from and the new
// floor.
func (m *Matcher) event(sc *scratch, s string, i int, st, prev int32, floor int) (int, int32, int) {
	a := m.auto
	switch st {
	case a.endRow:
		m.asciiWord(sc, s, i, floor)
	case a.joinRow:
		if m.joinAt(s, i, floor) {
			pos := m.general(sc, s, i, prev, floor)
			return pos - 1, stBetween, pos
		}
		if a.cand[prev/a.k] {
			m.asciiWord(sc, s, i, floor)
		}
	default:
		pos := m.general(sc, s, i, prev, floor)
		return pos - 1, stBetween, pos
	}
	return i, st, floor
}

// wordStart returns where the ASCII word ending at end starts.
func wordStart(s string, end int) int {
	start := end
	for start > 0 && s[start-1] < utf8.RuneSelf && asciiClass[s[start-1]]&aWord != 0 {
		start--
	}
	return start
}

// asciiWord looks up the all-ASCII word that ends at end.
func (m *Matcher) asciiWord(sc *scratch, s string, end, floor int) {
	start := max(wordStart(s, end), floor)
	if start == end {
		return
	}
	tok := token{start: start, end: end, kind: kindWord, flags: tokASCII}
	tok.flags |= markBefore(s, start)
	m.lookToken(sc, s, tok)
}

// joinAt reports whether the separator at s[i] follows a single letter and
// precedes a word, so that the tokenizer must decide whether they join.
func (m *Matcher) joinAt(s string, i, floor int) bool {
	return max(wordStart(s, i), floor) == i-1 && (tokenizer{rt: m.rt}).wordAt(s, i+1)
}

// general hands the text from the word around s[i] on to the tokenizer,
// until past i, and returns where the fused scan resumes; prev is the state
// the scan was in before s[i].
func (m *Matcher) general(sc *scratch, s string, i int, prev int32, floor int) int {
	a := m.auto
	dead := prev == a.deadRow || prev == a.dead1Row // the word's beginning rules out every term
	tz := tokenizer{rt: m.rt}
	pos := max(wordStart(s, i), floor)
	if s[i] >= utf8.RuneSelf {
		// Curly quotes, dashes and no-break spaces are common around
		// ASCII words; step over them without the tokenizer.
		if _, w, inf := tz.decode(s, i); inf.flags&(rWord|rEmoji|rDrop|rCJK) == 0 {
			if pos < i && a.cand[prev/a.k] {
				m.asciiWord(sc, s, i, floor)
			}
			return i + w
		}
	}
	if dead && pos < i {
		// The word goes on past what the table decides, but its
		// beginning already rules out every term: only find its end.
		tok, after, _ := tz.next(s, pos)
		if tok.end > i {
			return after
		}
	}
	for pos <= i {
		tok, after, ok := tz.next(s, pos)
		if !ok {
			return len(s)
		}
		m.lookToken(sc, s, tok)
		pos = after
	}
	return pos
}
