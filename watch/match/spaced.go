package match

import "slices"

// spacedOut looks for words spelled out with spaces (d r i l l), for terms
// with ~spaced, and reports whether it found any. It tokenizes the whole
// field again, which only lists using ~spaced pay for.
func (m *Matcher) spacedOut(sc *scratch, s string) bool {
	tz := tokenizer{rt: m.rt}
	found := false
	sc.run = sc.run[:0]
	prevEnd := 0
	for i := 0; ; {
		tok, after, ok := tz.next(s, i)
		single := ok && tok.kind == kindWord && tok.flags&tokSingle != 0
		if len(sc.run) > 0 && (!single || s[prevEnd:tok.start] != " ") {
			found = m.spacedRun(sc, s, sc.run) || found
			sc.run = sc.run[:0]
		}
		if !ok {
			return found
		}
		if single {
			sc.run = append(sc.run, tok)
		}
		prevEnd, i = tok.end, after
	}
}

// spacedRun looks for spelled-out words starting at each letter of a run;
// from each start, only the longest spelling of each word counts, so that a
// run of the same letter does not yield a hit per length.
func (m *Matcher) spacedRun(sc *scratch, s string, run []token) bool {
	const minLetters, maxLetters = 3, 32
	found := false
	type best struct {
		id int32
		b  int
	}
	var longest []best
	// Each letter is folded once: a slow fold runs x/text.
	letters := make([]rune, 0, len(run))
	at := make([]int, 0, len(run)+1)
	for _, tok := range run {
		at = append(at, len(letters))
		letters = m.foldToken(sc, s, tok, false, letters)
	}
	at = append(at, len(letters))
	var accLetters []rune
	var accAt []int
	if m.accents {
		for _, tok := range run {
			accAt = append(accAt, len(accLetters))
			accLetters = m.foldToken(sc, s, tok, true, accLetters)
		}
		accAt = append(accAt, len(accLetters))
	}
	for a := 0; a+minLetters <= len(run); a++ {
		w := &sc.w
		w.reset()
		folded := sc.runes[:0]
		longest = longest[:0]
		for b := a; b < len(run) && b-a < maxLetters; b++ {
			n := len(folded)
			folded = append(folded, letters[at[b]:at[b+1]]...)
			alive := true
			for _, r := range folded[n:] {
				if alive = w.feed(r); !alive {
					break
				}
			}
			if !alive {
				break
			}
			if b+1-a < minLetters {
				continue
			}
			sc.acc = sc.acc[:0]
			if m.accents {
				sc.acc = append(sc.acc, accLetters[accAt[a]:accAt[b+1]]...)
			}
			for _, id := range m.auto.exact(w.st) {
				if !m.verify(sc, id, folded, s, run[a:b+1]) {
					continue
				}
				if i := slices.IndexFunc(longest, func(x best) bool { return x.id == id }); i >= 0 {
					longest[i].b = b
				} else {
					longest = append(longest, best{id, b})
				}
			}
		}
		for _, x := range longest {
			found = true
			sc.hits = append(sc.hits, hit{start: run[a].start, stop: run[x.b].end, vocab: x.id,
				flags: run[a].flags&(tokHash|tokMention) | tokSpacedOut})
		}
		sc.runes = folded
	}
	return found
}
