package match

// wordFlags switch normalisations off (or spaced-out spelling on) for the
// words of one term; see docs/watchlists.md.
type wordFlags uint8

const (
	fNoSubs   wordFlags = 1 << iota // 0, 1, 3, 4, 5, @ and $ stand only for themselves
	fNoRepeat                       // a letter written three times is not the letter
	fAccents                        // diacritics must match
	fNoJoin                         // d.r.i.l.l is not drill
	fSpaced                         // d r i l l is drill too
)

// letterRun is a letter and how many times in a row a term writes it.
type letterRun struct {
	r rune
	n int
}

func runsOf(folded []rune) []letterRun {
	var runs []letterRun
	for _, r := range folded {
		if k := len(runs) - 1; k >= 0 && runs[k].r == r {
			runs[k].n++
			continue
		}
		runs = append(runs, letterRun{r: r, n: 1})
	}
	return runs
}

// standsFor reports whether a rune of the text may stand for a rune of the
// term. Substitutes work one way: a 0 in the text may stand for an o in the
// term, never the reverse, so a term written with digits means the digits.
func standsFor(t, c rune, subs bool) bool {
	if t == c {
		return true
	}
	if !subs {
		return false
	}
	switch t {
	case '0':
		return c == 'o'
	case '1':
		return c == 'i' || c == 'l'
	case '3':
		return c == 'e'
	case '4', '@':
		return c == 'a'
	case '5', '$':
		return c == 's'
	}
	return false
}

// verifier checks a word of the text against a term's word exactly. It
// keeps its buffers between calls.
type verifier struct {
	cur, nxt []bool
}

// match reports whether the folded word spells runs, or with prefix begins
// with a spelling of runs. Each run of a letter written n times in the term
// is matched by n runes of the text that stand for it, or with repeats by
// any longer run of at least three (driiiill, but not driill).
func (v *verifier) match(text []rune, runs []letterRun, prefix, subs, repeats bool) bool {
	n := len(text)
	v.cur = resetBools(v.cur, n+1)
	v.nxt = resetBools(v.nxt, n+1)
	v.cur[0] = true
	for _, run := range runs {
		any := false
		for p := 0; p < n; p++ {
			if !v.cur[p] {
				continue
			}
			for q := p; q < n && standsFor(text[q], run.r, subs); q++ {
				l := q + 1 - p
				if l == run.n || repeats && l >= 3 && l >= run.n {
					v.nxt[q+1] = true
					any = true
				}
			}
		}
		if !any {
			return false
		}
		v.cur, v.nxt = v.nxt, v.cur
		clear(v.nxt)
	}
	return prefix || v.cur[n]
}

func resetBools(b []bool, n int) []bool {
	if cap(b) < n {
		return make([]bool, n)
	}
	b = b[:n]
	clear(b)
	return b
}
