package match

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// builder collects the words and terms of every list.
type builder struct {
	m      *Matcher
	tz     tokenizer
	f      *folder
	vocabs map[string]int32
}

func newBuilder() *builder {
	rt := sharedRuneTable()
	return &builder{
		m:      &Matcher{rt: rt},
		tz:     tokenizer{rt: rt},
		f:      newFolder(),
		vocabs: map[string]int32{},
	}
}

func (b *builder) addList(id, severity string, root *node) {
	m := b.m
	li := int32(len(m.lists))
	cl := clist{id: id, severity: severity}
	if root != nil {
		// A term written more than once in a query is one term: the scan's
		// cost per word found grows with the terms that start with it, and
		// a query must not be able to multiply it by repeating itself.
		positive := map[*termSpec]bool{}
		same := map[string]*termSpec{}
		canon := map[*termSpec]*termSpec{}
		var order []*termSpec // query order, so that results list terms so
		walkTerms(root, func(t *termSpec, negated bool) {
			k := specKey(t)
			c, ok := same[k]
			if !ok {
				same[k], c = t, t
				order = append(order, t)
			}
			canon[t] = c
			positive[c] = positive[c] || !negated
		}, false)
		ids := map[*termSpec]int32{}
		for _, t := range order {
			ids[t] = int32(len(m.terms))
			cl.terms = append(cl.terms, ids[t])
			m.terms = append(m.terms, b.term(li, t, positive[t]))
		}
		for t, c := range canon {
			ids[t] = ids[c]
		}
		cl.root = b.enode(root, ids)
	}
	m.lists = append(m.lists, cl)
}

func (b *builder) enode(n *node, ids map[*termSpec]int32) *enode {
	e := &enode{kind: n.kind, dist: n.dist}
	if n.kind == nodeTerm {
		e.term = ids[n.term]
		return e
	}
	for _, k := range n.kids {
		e.kids = append(e.kids, b.enode(k, ids))
	}
	return e
}

func (b *builder) term(list int32, t *termSpec, positive bool) cterm {
	ct := cterm{list: list, src: t.src, field: t.field, mark: t.mark, emoji: t.emoji, positive: positive}
	b.m.fields |= t.field
	if t.flags&fSpaced != 0 {
		b.m.spaced = true
	}
	for _, w := range t.words {
		ct.words = append(ct.words, b.word(w, t.flags))
	}
	return ct
}

// word returns the vocabulary id of a word, adding it when new.
func (b *builder) word(w wordSpec, flags wordFlags) int32 {
	letters := w.text
	if strings.ContainsFunc(letters, isJoinByte) {
		letters = strings.Map(func(r rune) rune {
			if isJoinByte(r) {
				return -1
			}
			return r
		}, letters)
	}
	folded := []rune(b.f.fold(letters, false))
	key := string(folded) + "\x00" + strconv.Itoa(int(flags)) + strconv.FormatBool(w.prefix)
	if id, ok := b.vocabs[key]; ok {
		return id
	}
	v := vocabWord{plain: folded, runs: runsOf(folded), prefix: w.prefix, flags: flags, skeleton: skeleton(folded)}
	if flags&fAccents != 0 {
		b.m.accents = true
		v.accRuns = runsOf([]rune(b.f.fold(letters, true)))
	}
	id := int32(len(b.m.vocab))
	b.m.vocab = append(b.m.vocab, v)
	b.vocabs[key] = id
	return id
}

func isJoinByte(r rune) bool { return r < utf8.RuneSelf && asciiClass[r]&aJoin != 0 }

func (b *builder) build() *Matcher {
	m := b.m
	skels := make([][]byte, len(m.vocab))
	prefix := make([]bool, len(m.vocab))
	for i, v := range m.vocab {
		skels[i], prefix[i] = v.skeleton, v.prefix
	}
	m.auto = buildAutomaton(skels, prefix)
	m.byFirst = make([][]int32, len(m.vocab))
	for ti, t := range m.terms {
		m.byFirst[t.words[0]] = append(m.byFirst[t.words[0]], int32(ti))
	}
	m.pool.New = func() any { return newScratch(m) }
	return m
}

// specKey is what makes two terms of a query the same term: everything but
// where they are written.
func specKey(t *termSpec) string {
	var b strings.Builder
	b.WriteString(t.src)
	for _, n := range []int64{int64(t.field), int64(t.mark), int64(t.flags)} {
		b.WriteString("\x00" + strconv.FormatInt(n, 10))
	}
	b.WriteString("\x00" + strconv.FormatBool(t.quoted) + strconv.FormatBool(t.emoji))
	for _, w := range t.words {
		b.WriteString("\x00" + strconv.FormatBool(w.prefix) + w.text)
	}
	return b.String()
}
