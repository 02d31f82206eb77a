package match

import (
	"unicode/utf8"
)

// The automaton recognises the words of every active list at once.
//
// Watch-list terms match whole words, so in an Aho-Corasick automaton built
// over a word-boundary alphabet every failure link would lead back to the
// root at the next word boundary. What is left is a trie of words, and here
// it is fused with the tokenizer into one dense DFA over the bytes of the
// text: one table lookup per byte finds word boundaries and walks the trie
// at once, and a word that no list can match costs nothing more than its
// bytes. The cost per byte does not grow with the number of lists or terms.
// Only a few transitions stop the loop: the end of a word the trie accepts,
// a separator after a single letter (d.r.i.l.l), and any byte the table does
// not decide (non-ASCII, '@', '$'), whose token goes the general way through
// the tokenizer and the folder. Phrases, NEAR and the boolean structure are
// then evaluated on the few words found.
//
// The trie holds skeletons, not the words themselves: the folded word with
// substitutes read as the letters they stand for and runs of a letter
// collapsed (drii1ll and drill both read "dri"), so that one walk finds
// every spelling a term may match; a self-loop on each state's own letter
// does the collapsing. Each word found is then checked exactly against the
// term (verify.go). Byte-level multi-pattern libraries would need a
// normalised copy of every text and a map from its offsets back to the
// original, and would report matches inside words, to be thrown away; the
// fused walk needs neither.

// skelRune maps a folded rune to its skeleton rune: a substitute reads as
// the letter it stands for, and 1, i and l read alike because 1 stands for
// both.
func skelRune(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', 'l':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	}
	return r
}

// skeleton returns the skeleton of folded runes, runs collapsed.
func skeleton(folded []rune) []byte {
	var out []byte
	last := rune(-1)
	for _, r := range folded {
		r = skelRune(r)
		if r == last {
			continue
		}
		last = r
		out = utf8.AppendRune(out, r)
	}
	return out
}

// Byte classes. Skeleton bytes used by some word get classes from
// firstSymbol on.
const (
	clsOther  = iota // a letter or digit no word uses there
	clsSep           // a separator
	clsJoin          // . - _ * | +: may join single letters
	clsEscape        // a byte the table does not decide
	firstSymbol
)

// States with fixed numbers; trie states follow, then the event states.
const (
	stBetween  = iota // between words; also the trie's root
	stDead            // in a word no term matches
	stDeadPref        // in a word that began like a wildcard: its end is an event
	stDead1           // after the one letter of a word no term starts with
	firstTrie
)

const skipClass = 0xFF // walkASCII: a separator inside a joined word

type automaton struct {
	k          int32      // classes per row
	next       []int32    // next[row+class]: the row (state*k) of the next state
	rawClass   [256]uint8 // a byte of the text → class, for the fused scan
	skelClass  [256]uint8 // a byte of a skeleton → class, for walks over folded runes
	asciiClass [utf8.RuneSelf]uint8
	// Rows of the event states: stopping there hands control to the scanner.
	endRow, joinRow, escRow int32
	deadRow, deadPrefRow    int32
	dead1Row                int32
	// cand[state]: a word ending in this state may match a term (some word
	// ends here, or a wildcard's prefix was passed).
	cand []bool
	// Words ending at a state (exact) and words whose prefix ends there
	// (wildcards), in compressed rows: ids[start[s]:start[s+1]].
	exactStart, prefixStart []int32
	exactIDs, prefixIDs     []int32
	anyPrefix               bool
}

// buildAutomaton builds the DFA for skeletons; prefix[i] tells whether
// skeleton i is a wildcard prefix.
func buildAutomaton(skels [][]byte, prefix []bool) *automaton {
	a := &automaton{}
	var used [256]bool
	for _, s := range skels {
		for _, b := range s {
			used[b] = true
		}
	}
	n := firstSymbol
	for b := range used {
		if used[b] {
			a.skelClass[b] = uint8(n)
			n++
		}
	}
	a.k = int32(n)
	for b := range 256 {
		switch {
		case b >= utf8.RuneSelf, b == '@', b == '$':
			a.rawClass[b] = clsEscape
		case asciiClass[b]&aJoin != 0:
			a.rawClass[b] = clsJoin
			a.asciiClass[b] = skipClass
		case asciiClass[b]&aWord != 0:
			a.rawClass[b] = a.skelClass[byte(skelRune(rune(toLowerASCII(byte(b)))))]
		default:
			a.rawClass[b] = clsSep
		}
	}
	for _, b := range []byte{'@', '$'} {
		a.asciiClass[b] = a.skelClass[byte(skelRune(rune(b)))]
	}
	for b := range utf8.RuneSelf {
		if asciiClass[b]&aWord != 0 {
			a.asciiClass[b] = a.rawClass[b]
		}
	}

	// The trie, in rows of -1 (not yet decided), state by state.
	k := a.k
	row := func() int32 {
		r := int32(len(a.next))
		for range k {
			a.next = append(a.next, -1)
		}
		return r
	}
	a.next = make([]int32, 0, int(k)*(firstTrie+totalLen(skels)+4))
	for range firstTrie {
		row()
	}
	incoming := make([]int32, firstTrie, firstTrie+totalLen(skels)) // per state: class of the edge into it
	parent := make([]int32, firstTrie, firstTrie+totalLen(skels))
	for st := range firstTrie {
		incoming[st], parent[st] = -1, -1
	}
	exact := map[int32][]int32{}
	prefixes := map[int32][]int32{}
	for i, s := range skels {
		st := int32(stBetween)
		for _, b := range s {
			c := int32(a.skelClass[b])
			if a.next[st*k+c] < 0 {
				child := row() / k
				a.next[st*k+c] = child * k
				incoming = append(incoming, c)
				parent = append(parent, st)
			}
			st = a.next[st*k+c] / k
		}
		if prefix[i] {
			prefixes[st] = append(prefixes[st], int32(i))
		} else {
			exact[st] = append(exact[st], int32(i))
		}
	}
	trieEnd := int32(len(a.next)) / k
	a.next, incoming, parent, exact, prefixes = breadthFirst(a.next, k, trieEnd, incoming, parent, exact, prefixes)
	a.endRow, a.joinRow, a.escRow = row(), row(), row()
	a.deadRow, a.deadPrefRow, a.dead1Row = stDead*k, stDeadPref*k, stDead1*k
	states := trieEnd + 3

	asciiSym := make([]bool, k)
	for b := range utf8.RuneSelf {
		asciiSym[a.skelClass[b]] = a.skelClass[b] >= firstSymbol
	}
	// A state inside a wildcard's subtree ends words with an event too.
	inPrefix := make([]bool, states)
	for st := int32(firstTrie); st < trieEnd; st++ {
		inPrefix[st] = inPrefix[parent[st]] || len(prefixes[st]) > 0
	}
	a.cand = make([]bool, states)
	for st := range trieEnd {
		a.cand[st] = st == stDeadPref || st >= firstTrie && (inPrefix[st] || len(exact[st]) > 0)
	}
	for st := range trieEnd {
		r := st * k
		cand := a.cand[st]
		for c := range k {
			if a.next[r+c] >= 0 {
				continue
			}
			var to int32
			switch {
			case c == clsEscape:
				to = a.escRow
			case c == clsJoin:
				switch {
				case st == stBetween || st == stDead:
					to = stBetween * k
				case st == stDead1 || st >= firstTrie && parent[st] == stBetween:
					to = a.joinRow // after one letter: d.r.i.l.l may follow
				case cand:
					to = a.endRow
				default:
					to = stBetween * k
				}
			case c == clsSep && cand:
				to = a.endRow
			case c == clsSep:
				to = stBetween * k
			case st >= firstTrie && c == incoming[st] && asciiSym[c]:
				to = r // collapse a repeated letter
			case st == stBetween:
				to = a.dead1Row
			case st == stDeadPref || inPrefix[st]:
				to = a.deadPrefRow
			default:
				to = a.deadRow
			}
			a.next[r+c] = to
		}
	}
	for _, ev := range []int32{a.endRow, a.joinRow, a.escRow} {
		copy(a.next[ev:ev+k], a.next[0:k]) // after an event, between words
	}
	a.exactStart, a.exactIDs = rows(states, exact)
	a.prefixStart, a.prefixIDs = rows(states, prefixes)
	a.anyPrefix = len(prefixes) > 0
	return a
}

// breadthFirst renumbers the trie states level by level, so that the
// states near the root, which nearly every word of the text passes through,
// sit together in a few cache lines.
func breadthFirst(next []int32, k, states int32, incoming, parent []int32, exact, prefixes map[int32][]int32) ([]int32, []int32, []int32, map[int32][]int32, map[int32][]int32) {
	order := make([]int32, 0, states)
	order = append(order, stBetween)
	for q := 0; q < len(order); q++ {
		r := order[q] * k
		for c := range k {
			if child := next[r+c]; child >= 0 {
				order = append(order, child/k)
			}
		}
	}
	newID := make([]int32, states)
	for st := int32(1); st < firstTrie; st++ {
		newID[st] = st
	}
	for i, o := range order {
		if i > 0 {
			i += firstTrie - 1
		}
		newID[o] = int32(i)
	}
	out := make([]int32, len(next), cap(next))
	newIncoming := make([]int32, states)
	newParent := make([]int32, states)
	for o := range states {
		n := newID[o]
		for c := range k {
			e := next[o*k+c]
			if e >= 0 {
				e = newID[e/k] * k
			}
			out[n*k+c] = e
		}
		newIncoming[n] = incoming[o]
		if parent[o] >= 0 {
			newParent[n] = newID[parent[o]]
		} else {
			newParent[n] = -1
		}
	}
	remap := func(m map[int32][]int32) map[int32][]int32 {
		r := make(map[int32][]int32, len(m))
		for st, ids := range m {
			r[newID[st]] = ids
		}
		return r
	}
	return out, newIncoming, newParent, remap(exact), remap(prefixes)
}

func totalLen(skels [][]byte) int {
	n := 0
	for _, s := range skels {
		n += len(s)
	}
	return n
}

func rows(states int32, m map[int32][]int32) (start, ids []int32) {
	start = make([]int32, states+1)
	for s := range states {
		start[s] = int32(len(ids))
		ids = append(ids, m[s]...)
	}
	start[states] = int32(len(ids))
	return start, ids
}

func toLowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func (a *automaton) exact(row int32) []int32 {
	st := row / a.k
	return a.exactIDs[a.exactStart[st]:a.exactStart[st+1]]
}

func (a *automaton) prefixes(row int32) []int32 {
	st := row / a.k
	return a.prefixIDs[a.prefixStart[st]:a.prefixStart[st+1]]
}

func (a *automaton) hasPrefix(row int32) bool {
	if !a.anyPrefix {
		return false
	}
	st := row / a.k
	return a.prefixStart[st] != a.prefixStart[st+1]
}

func (a *automaton) dead(row int32) bool {
	return row == a.deadRow || row == a.deadPrefRow || row == a.dead1Row
}

// walker walks one word through the trie.
type walker struct {
	a    *automaton
	st   int32 // a row
	last rune
	// prefixStates collects the wildcard states passed, deepest last.
	prefixStates []int32
}

func (w *walker) reset() {
	w.st = stBetween
	w.last = -1
	w.prefixStates = w.prefixStates[:0]
}

// feed advances on a folded rune and reports whether the walk is alive.
func (w *walker) feed(r rune) bool {
	r = skelRune(r)
	if r == w.last {
		return true
	}
	w.last = r
	a := w.a
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	for _, b := range buf[:n] {
		c := int32(a.skelClass[b])
		if c == clsOther {
			w.st = a.deadRow
			return false
		}
		w.st = a.next[w.st+c]
		if a.dead(w.st) {
			return false
		}
	}
	if a.hasPrefix(w.st) {
		w.prefixStates = append(w.prefixStates, w.st)
	}
	return true
}

// walkASCII walks an all-ASCII token.
func (w *walker) walkASCII(s string) {
	a := w.a
	st := int32(stBetween)
	last := -1
	for i := 0; i < len(s); i++ {
		c := a.asciiClass[s[i]]
		if int(c) == last || c == skipClass {
			continue
		}
		last = int(c)
		if c == clsOther {
			st = a.deadRow
			break
		}
		st = a.next[st+int32(c)]
		if a.dead(st) {
			break
		}
		if a.hasPrefix(st) {
			w.prefixStates = append(w.prefixStates, st)
		}
	}
	w.st = st
}
