package match

import (
	"cmp"
	"math"
	"slices"
)

var docFields = [...]struct {
	mask fieldMask
	name string
}{{inTitle, FieldTitle}, {inText, FieldText}, {inAuthor, FieldAuthor}, {inURL, FieldURL}}

// Match returns one Result per list that matches d, in list order.
func (m *Matcher) Match(d Doc) []Result {
	if len(m.terms) == 0 {
		return nil
	}
	sc := m.pool.Get().(*scratch)
	defer m.pool.Put(sc)
	sc.begin()
	sc.texts = [...]string{d.Title, d.Text, d.Author, d.URL}
	for i, text := range sc.texts {
		if m.fields&docFields[i].mask != 0 && text != "" {
			m.scanField(sc, i, text)
		}
	}
	if len(sc.touched) == 0 {
		return nil
	}
	slices.Sort(sc.touched)
	var out []Result
	for _, li := range sc.touched {
		l := &m.lists[li]
		if l.root == nil || !m.eval(sc, l.root) {
			continue
		}
		out = append(out, m.result(sc, l))
	}
	return out
}

func (sc *scratch) found(ti int32) bool { return sc.termGen[ti] == sc.gen }

// occurrences calls fn for each occurrence of term ti.
func (sc *scratch) occurrences(ti int32, fn func(o *occurrence) bool) {
	if !sc.found(ti) {
		return
	}
	for i := sc.termHead[ti]; i >= 0; i = sc.occ[i].next {
		if !fn(&sc.occ[i]) {
			return
		}
	}
}

func (m *Matcher) eval(sc *scratch, n *enode) bool {
	switch n.kind {
	case nodeTerm:
		return sc.found(n.term)
	case nodeAnd:
		for _, k := range n.kids {
			if !m.eval(sc, k) {
				return false
			}
		}
		return true
	case nodeOr:
		for _, k := range n.kids {
			if m.eval(sc, k) {
				return true
			}
		}
		return false
	case nodeNot:
		return !m.eval(sc, n.kids[0])
	case nodeNear:
		near := false
		a, b := n.kids[0].term, n.kids[1].term
		sc.occurrences(a, func(x *occurrence) bool {
			sc.occurrences(b, func(y *occurrence) bool {
				near = x.field == y.field && m.near(sc, x, y, n.dist)
				return !near
			})
			return !near
		})
		return near
	}
	return false
}

// near reports whether at most dist words stand between two occurrences
// in one field; overlapping ones are near.
func (m *Matcher) near(sc *scratch, x, y *occurrence, dist int) bool {
	if y.start < x.start {
		x, y = y, x
	}
	if y.start < x.stop {
		return true
	}
	starts := m.wordStarts(sc, x.field)
	// Word tokens starting in [x.stop, y.start) stand between them.
	a, _ := slices.BinarySearch(starts, x.stop)
	b, _ := slices.BinarySearch(starts, y.start)
	return b-a <= dist
}

// wordStarts returns where the word tokens of a field start, computed once
// per item and only for items that get as far as a NEAR.
func (m *Matcher) wordStarts(sc *scratch, field int) []int {
	if sc.startsGen[field] == sc.gen {
		return sc.starts[field]
	}
	tz := tokenizer{rt: m.rt}
	s := sc.texts[field]
	starts := sc.starts[field][:0]
	for i := 0; ; {
		tok, after, ok := tz.next(s, i)
		if !ok {
			break
		}
		if tok.kind != kindEmoji {
			starts = append(starts, tok.start)
		}
		i = after
	}
	sc.starts[field], sc.startsGen[field] = starts, sc.gen
	return starts
}

// credit marks the terms of the clauses of n (which holds) that hold
// themselves: of (a AND b) OR c found in "a c", only c is the hit's, not
// a, whose clause did not match. Terms under a NOT never are.
func (m *Matcher) credit(sc *scratch, n *enode) {
	switch n.kind {
	case nodeTerm:
		sc.creditGen[n.term] = sc.credit
	case nodeAnd:
		for _, k := range n.kids {
			m.credit(sc, k)
		}
	case nodeOr:
		for _, k := range n.kids {
			if m.eval(sc, k) {
				m.credit(sc, k)
			}
		}
	case nodeNear:
		sc.creditGen[n.kids[0].term] = sc.credit
		sc.creditGen[n.kids[1].term] = sc.credit
	case nodeNot:
		m.creditFalse(sc, n.kids[0])
	}
}

// creditFalse is credit for a clause n that does not hold: only what
// holds under a NOT in it counts (NOT (NOT a OR NOT b) is a AND b).
func (m *Matcher) creditFalse(sc *scratch, n *enode) {
	switch n.kind {
	case nodeAnd:
		for _, k := range n.kids {
			if !m.eval(sc, k) {
				m.creditFalse(sc, k)
			}
		}
	case nodeOr:
		for _, k := range n.kids {
			m.creditFalse(sc, k)
		}
	case nodeNot:
		m.credit(sc, n.kids[0])
	}
}

func (m *Matcher) result(sc *scratch, l *clist) Result {
	r := Result{ListID: l.id, Severity: l.severity}
	sc.credit++
	if sc.credit == 0 { // wrapped
		clear(sc.creditGen)
		sc.credit = 1
	}
	m.credit(sc, l.root)
	spans := sc.spans[:0]
	for _, ti := range l.terms {
		t := &m.terms[ti]
		if !t.positive || !sc.found(ti) || sc.creditGen[ti] != sc.credit {
			continue
		}
		if slices.Contains(r.Terms, t.src) {
			continue // written twice: its spans are in already
		}
		r.Terms = append(r.Terms, t.src)
		n, inTitleToo := 0, false
		sc.occurrences(ti, func(o *occurrence) bool {
			n++
			inTitleToo = inTitleToo || o.field == 0
			spans = append(spans, occurrence{field: o.field, start: o.start, stop: o.stop})
			return true
		})
		w := float64(len(t.words)) * (1 + math.Log(float64(n)))
		if inTitleToo {
			w *= 1.5
		}
		r.Score += w
	}
	slices.SortFunc(spans, func(a, b occurrence) int {
		return cmp.Or(cmp.Compare(a.field, b.field), cmp.Compare(a.start, b.start), cmp.Compare(a.stop, b.stop))
	})
	spans = slices.CompactFunc(spans, func(a, b occurrence) bool {
		return a.field == b.field && a.start == b.start && a.stop == b.stop
	})
	r.Spans = make([]Span, len(spans))
	for i, o := range spans {
		r.Spans[i] = Span{Field: docFields[o.field].name, Start: o.start, End: o.stop}
	}
	sc.spans = spans
	return r
}
