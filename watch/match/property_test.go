package match

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The property test compares the compiled matcher (fused scan, automaton,
// verifier, phrases, evaluation) with a naive reference: every token of
// the tokenizer tried against every term word with a regexp written from
// the rules in docs/watchlists.md, and the query tree evaluated directly.
// Both share the tokenizer and the folder, which have tests of their own.

type refTerm struct {
	field  fieldMask
	mark   tokFlags
	words  []string // one token each
	prefix bool     // on the last word
	flags  wordFlags
	emoji  bool
}

type refNode struct {
	kind nodeKind
	kids []*refNode
	term *refTerm
	dist int
}

var (
	termLetters = []string{"a", "b", "i", "l", "o", "s", "e", "é", "1"}
	textPieces  = []string{"a", "b", "i", "l", "o", "s", "e", "A", "B", "I", "L", "O", "S", "É", "é", "ll", "ooo",
		"0", "1", "3", "4", "5", "@", "$", "中", "文", "🔥", "🔥\ufe0f", " ", " ", " ", "  ", ",", ".", "-", "\n", "#", "@",
		"\u200b", "\u00ad", "\u200d", "\U000E0041", "\u0430", "\u043e", "\u0456"}
	emojiWords = []string{"🔥", "🔫"}
)

func (t *refTerm) String() string {
	var b strings.Builder
	switch t.field {
	case inTitle:
		b.WriteString("title:")
	case inAuthor:
		b.WriteString("author:")
	case inURL:
		b.WriteString("url:")
	}
	switch t.mark {
	case tokHash:
		b.WriteString("#")
	case tokMention:
		b.WriteString("@")
	}
	body := strings.Join(t.words, " ")
	if t.prefix {
		body += "*"
	}
	if len(t.words) > 1 {
		body = `"` + body + `"`
	}
	b.WriteString(body)
	for _, f := range flagNames[1:] {
		if t.flags&f.flag != 0 {
			b.WriteString("~" + f.name)
		}
	}
	return b.String()
}

func randomTerm(rng *rand.Rand) *refTerm {
	t := &refTerm{field: inDefault}
	switch rng.IntN(8) {
	case 0:
		t.field = inTitle
	case 1:
		t.field = inAuthor
	case 2:
		t.field = inURL
	}
	if rng.IntN(6) == 0 {
		t.emoji = true
		for range 1 + rng.IntN(2) {
			t.words = append(t.words, emojiWords[rng.IntN(len(emojiWords))])
		}
		return t
	}
	for range 1 + rng.IntN(2) {
		if rng.IntN(6) == 0 {
			t.words = append(t.words, []string{"中", "文"}[rng.IntN(2)])
			continue
		}
		var w strings.Builder
		for range 1 + rng.IntN(4) {
			w.WriteString(termLetters[rng.IntN(len(termLetters))])
		}
		t.words = append(t.words, w.String())
	}
	last := t.words[len(t.words)-1]
	if rng.IntN(5) == 0 && len([]rune(last)) >= 2 && last != "中" && last != "文" {
		t.prefix = true
	}
	for _, f := range []wordFlags{fNoSubs, fNoRepeat, fAccents, fNoJoin, fSpaced} {
		if rng.IntN(8) == 0 {
			t.flags |= f
		}
	}
	if len(t.words) > 1 || t.prefix {
		t.flags &^= fSpaced
	}
	if t.field&inDefault != 0 && len(t.words) == 1 && rng.IntN(6) == 0 {
		t.mark = []tokFlags{tokHash, tokMention}[rng.IntN(2)]
		t.field &= inDefault
	}
	return t
}

func randomQuery(rng *rand.Rand, depth int) *refNode {
	if depth > 2 || rng.IntN(3) == 0 {
		if rng.IntN(5) == 0 {
			a, b := randomTerm(rng), randomTerm(rng)
			return &refNode{kind: nodeNear, dist: rng.IntN(4), kids: []*refNode{{kind: nodeTerm, term: a}, {kind: nodeTerm, term: b}}}
		}
		return &refNode{kind: nodeTerm, term: randomTerm(rng)}
	}
	switch rng.IntN(5) {
	case 0:
		return &refNode{kind: nodeNot, kids: []*refNode{randomQuery(rng, depth+1)}}
	case 1, 2:
		return &refNode{kind: nodeOr, kids: []*refNode{randomQuery(rng, depth+1), randomQuery(rng, depth+1)}}
	}
	return &refNode{kind: nodeAnd, kids: []*refNode{randomQuery(rng, depth+1), randomQuery(rng, depth+1)}}
}

func (n *refNode) String() string {
	switch n.kind {
	case nodeTerm:
		return n.term.String()
	case nodeNot:
		return "NOT (" + n.kids[0].String() + ")"
	case nodeNear:
		return fmt.Sprintf("%s NEAR/%d %s", n.kids[0], n.dist, n.kids[1])
	}
	op := map[nodeKind]string{nodeAnd: " AND ", nodeOr: " OR "}[n.kind]
	return "(" + n.kids[0].String() + op + n.kids[1].String() + ")"
}

func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(textPieces[rng.IntN(len(textPieces))])
	}
	return b.String()
}

func TestMatchAgainstReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rc := &refCache{f: newFolder(), res: map[string]*regexp.Regexp{}}
	checked := 0
	for iter := 0; iter < 4000; iter++ {
		var lists []List
		var trees []*refNode
		for i := range 1 + rng.IntN(3) {
			q := randomQuery(rng, 0)
			if _, err := Parse(q.String()); err != nil {
				continue // matches items without its terms: rejected, as TestParseErrors shows
			}
			lists = append(lists, List{ID: fmt.Sprint("l", i), Query: q.String()})
			trees = append(trees, q)
		}
		textLen := 40
		if iter%10 == 0 {
			textLen = 400 // long enough for the scan to split the text
		}
		d := Doc{Title: randomText(rng, 10), Text: randomText(rng, textLen), Author: randomText(rng, 5), URL: randomText(rng, 5)}
		m, err := Compile(lists)
		if err != nil {
			t.Fatalf("Compile(%q): %v", lists, err)
		}
		got := m.Match(d)
		want := referenceMatch(rc, lists, trees, d)
		for i := range got {
			if i < len(want) && math.Abs(got[i].Score-want[i].Score) < 1e-9 {
				got[i].Score = want[i].Score
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("iteration %d: lists %q\ndoc %q\n got %+v\nwant %+v", iter, lists, d, got, want)
		}
		if len(got) > 0 {
			checked++
		}
	}
	if checked < 400 {
		t.Fatalf("only %d iterations had a match: the generators need tuning", checked)
	}
}

type refOcc struct {
	field       int
	start, stop int
}

type refTok struct {
	token
	letters string // the token without the separators of a joined word
}

func referenceMatch(rc *refCache, lists []List, trees []*refNode, d Doc) []Result {
	tz := tokenizer{rt: sharedRuneTable()}
	texts := [...]string{d.Title, d.Text, d.Author, d.URL}
	var toks [len(docFields)][]refTok
	for fi, s := range texts {
		for i := 0; ; {
			tok, after, ok := tz.next(s, i)
			if !ok {
				break
			}
			letters := strings.Map(func(r rune) rune {
				if isJoinByte(r) {
					return -1
				}
				return r
			}, s[tok.start:tok.end])
			toks[fi] = append(toks[fi], refTok{tok, letters})
			i = after
		}
	}
	occurrences := func(t *refTerm) []refOcc {
		var out []refOcc
		for fi := range texts {
			if t.field&docFields[fi].mask == 0 {
				continue
			}
			var stream []refTok
			for _, tk := range toks[fi] {
				if (tk.kind == kindEmoji) == t.emoji {
					stream = append(stream, tk)
				}
			}
			for p := range stream {
				if t.mark != 0 && stream[p].flags&t.mark == 0 {
					continue
				}
				q := p
				for k, w := range t.words {
					if q >= len(stream) || !refWordMatch(rc, stream[q].letters, stream[q].flags, w, t.prefix && k == len(t.words)-1, t.flags) {
						q = -1
						break
					}
					q++
				}
				if q > p {
					out = append(out, refOcc{fi, stream[p].start, stream[q-1].end})
				}
			}
			if t.flags&fSpaced != 0 {
				out = append(out, refSpaced(rc, texts[fi], fi, toks[fi], t)...)
			}
		}
		return out
	}
	var out []Result
	for li, l := range lists {
		occ := map[*refTerm][]refOcc{}
		var order []*refTerm
		positive := map[*refTerm]bool{}
		var walk func(n *refNode, neg bool)
		walk = func(n *refNode, neg bool) {
			if n.kind == nodeTerm {
				if _, ok := occ[n.term]; !ok {
					occ[n.term] = occurrences(n.term)
					order = append(order, n.term)
				}
				positive[n.term] = positive[n.term] || !neg
				return
			}
			for _, k := range n.kids {
				walk(k, neg != (n.kind == nodeNot))
			}
		}
		walk(trees[li], false)
		var eval func(n *refNode) bool
		eval = func(n *refNode) bool {
			switch n.kind {
			case nodeTerm:
				return len(occ[n.term]) > 0
			case nodeNot:
				return !eval(n.kids[0])
			case nodeAnd:
				return eval(n.kids[0]) && eval(n.kids[1])
			case nodeOr:
				return eval(n.kids[0]) || eval(n.kids[1])
			}
			for _, x := range occ[n.kids[0].term] {
				for _, y := range occ[n.kids[1].term] {
					if x.field == y.field && refNear(toks[x.field], x, y, n.dist) {
						return true
					}
				}
			}
			return false
		}
		if !eval(trees[li]) {
			continue
		}
		// a hit's terms are those of the clauses that hold
		credited := map[*refTerm]bool{}
		var credit func(n *refNode, holds bool)
		credit = func(n *refNode, holds bool) {
			switch n.kind {
			case nodeTerm:
				credited[n.term] = credited[n.term] || holds
			case nodeNear:
				if holds {
					credited[n.kids[0].term], credited[n.kids[1].term] = true, true
				}
			case nodeNot:
				credit(n.kids[0], !holds)
			default: // AND, OR: the kids that hold (or fail) as n does
				for _, k := range n.kids {
					if eval(k) == holds {
						credit(k, holds)
					}
				}
			}
		}
		credit(trees[li], true)
		r := Result{ListID: l.ID, Severity: SeverityRoutine}
		for _, t := range order {
			if !positive[t] || !credited[t] || len(occ[t]) == 0 || slices.Contains(r.Terms, t.String()) {
				continue
			}
			r.Terms = append(r.Terms, t.String())
			inTitleToo := false
			for _, o := range occ[t] {
				inTitleToo = inTitleToo || o.field == 0
				r.Spans = append(r.Spans, Span{Field: docFields[o.field].name, Start: o.start, End: o.stop})
			}
			w := float64(len(t.words)) * (1 + math.Log(float64(len(occ[t]))))
			if inTitleToo {
				w *= 1.5
			}
			r.Score += w
		}
		slices.SortFunc(r.Spans, func(a, b Span) int {
			return cmp.Or(cmp.Compare(fieldRank(a.Field), fieldRank(b.Field)), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
		})
		r.Spans = slices.Compact(r.Spans)
		out = append(out, r)
	}
	return out
}

// refSpaced finds a single word spelled out with single spaces: from each
// starting letter, the longest spelling.
func refSpaced(rc *refCache, s string, fi int, toks []refTok, t *refTerm) []refOcc {
	var out []refOcc
	for a := range toks {
		var letters strings.Builder
		last := -1
		for b := a; b < len(toks) && b-a < 32; b++ {
			tk := toks[b]
			if tk.kind != kindWord || tk.flags&tokSingle == 0 || b > a && s[toks[b-1].end:tk.start] != " " {
				break
			}
			if t.mark != 0 && toks[a].flags&t.mark == 0 {
				break
			}
			letters.WriteString(tk.letters)
			if b-a+1 >= 3 && refWordMatch(rc, letters.String(), 0, t.words[0], false, t.flags) {
				last = b
			}
		}
		if last >= 0 {
			out = append(out, refOcc{fi, toks[a].start, toks[last].end})
		}
	}
	return out
}

func refNear(toks []refTok, x, y refOcc, dist int) bool {
	if y.start < x.start {
		x, y = y, x
	}
	if y.start < x.stop {
		return true
	}
	n := 0
	for _, tk := range toks {
		if tk.kind != kindEmoji && tk.start >= x.stop && tk.start < y.start {
			n++
		}
	}
	return n <= dist
}

// refWordMatch writes the rules for one word as a regexp over the folded
// word of the text.
func refWordMatch(rc *refCache, letters string, flags tokFlags, word string, prefix bool, wf wordFlags) bool {
	if wf&fNoJoin != 0 && flags&tokJoined != 0 {
		return false
	}
	accents := wf&fAccents != 0
	f := rc.f
	text := f.fold(letters, accents)
	term := f.fold(word, accents)
	stands := map[rune]string{'o': "o0", 'i': "i1", 'l': "l1", 'e': "e3", 'a': "a4@", 's': "s5$"}
	var re strings.Builder
	re.WriteString("^")
	for _, run := range runsOf([]rune(term)) {
		class := string(run.r)
		if wf&fNoSubs == 0 && stands[run.r] != "" {
			class = stands[run.r]
		}
		c := "[" + regexp.QuoteMeta(class) + "]"
		switch {
		case wf&fNoRepeat != 0:
			fmt.Fprintf(&re, "%s{%d}", c, run.n)
		case run.n >= 3:
			fmt.Fprintf(&re, "%s{%d,}", c, run.n)
		default:
			fmt.Fprintf(&re, "(?:%s{%d}|%s{3,})", c, run.n, c)
		}
	}
	if !prefix {
		re.WriteString("$")
	}
	r, ok := rc.res[re.String()]
	if !ok {
		r = regexp.MustCompile(re.String())
		rc.res[re.String()] = r
	}
	return r.MatchString(text)
}

// refCache keeps the reference's regexps, which are few, across calls.
type refCache struct {
	f   *folder
	res map[string]*regexp.Regexp
}

func fieldRank(f string) int {
	for i, df := range docFields {
		if df.name == f {
			return i
		}
	}
	return len(docFields)
}
