package match

import (
	"slices"
	"strconv"
	"strings"
)

// Query is a parsed watch-list query. The language is documented in
// docs/watchlists.md.
type Query struct {
	root *node
}

type nodeKind uint8

const (
	nodeTerm nodeKind = iota
	nodeAnd
	nodeOr
	nodeNot
	nodeNear
)

type node struct {
	kind     nodeKind
	kids     []*node
	term     *termSpec // nodeTerm
	dist     int       // nodeNear
	pos, end int
}

// maxDepth bounds nesting so that a hostile query cannot exhaust the stack.
const maxDepth = 64

// Parse parses a query. Its error is an *Error with the position of the
// first problem.
//
// Grammar, loosest first; two terms side by side are joined by AND:
//
//	or    = and { "OR" and }
//	and   = unary { ["AND"] unary }
//	unary = "NOT" unary | "-" unary | near
//	near  = primary [ "NEAR/" n primary ]
//	primary = "(" or ")" | term
func Parse(query string) (*Query, error) {
	root, err := parse(query)
	if err != nil {
		return nil, err
	}
	return &Query{root: root}, nil
}

func parse(query string) (*node, *Error) {
	p := &parser{lx: lexer{q: query, tz: tokenizer{rt: sharedRuneTable()}}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == lxEOF {
		return nil, errAt(query, 0, len(query), "empty query: write at least one term")
	}
	root, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != lxEOF {
		if p.tok.kind == lxRParen {
			return nil, errAt(query, p.tok.pos, p.tok.end, "unexpected ): no ( to close")
		}
		return nil, errAt(query, p.tok.pos, p.tok.end, "unexpected %s", p.tok.kind)
	}
	if n := matchesNothingFound(root); n != nil {
		return nil, errAt(query, n.pos, n.end, "this matches items that contain none of the terms: every alternative needs a term outside NOT")
	}
	return root, nil
}

type parser struct {
	lx  lexer
	tok lexeme
}

func (p *parser) advance() *Error {
	t, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) or(depth int) (*node, *Error) {
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	n := left
	for p.tok.kind == lxOr {
		op := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.startsUnary() {
			return nil, p.expectedTermAfter(op)
		}
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		n = join(nodeOr, n, right)
	}
	return n, nil
}

func (p *parser) and(depth int) (*node, *Error) {
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	n := left
	for {
		switch {
		case p.tok.kind == lxAnd:
			op := p.tok
			if err := p.advance(); err != nil {
				return nil, err
			}
			if !p.startsUnary() {
				return nil, p.expectedTermAfter(op)
			}
		case p.startsUnary():
		default:
			return n, nil
		}
		right, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		n = join(nodeAnd, n, right)
	}
}

func (p *parser) startsUnary() bool {
	switch p.tok.kind {
	case lxTerm, lxLParen, lxNot, lxMinus:
		return true
	}
	return false
}

func (p *parser) expectedTermAfter(op lexeme) *Error {
	q := p.lx.q
	if p.tok.kind == lxEOF {
		return errAt(q, op.pos, op.end, "%s needs a term after it", q[op.pos:op.end])
	}
	return errAt(q, p.tok.pos, p.tok.end, "expected a term after %s, found %s", q[op.pos:op.end], p.tok.kind)
}

func (p *parser) unary(depth int) (*node, *Error) {
	if depth > maxDepth {
		return nil, errAt(p.lx.q, p.tok.pos, p.tok.end, "nested more than %d deep", maxDepth)
	}
	if k := p.tok.kind; k == lxNot || k == lxMinus {
		op := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.startsUnary() {
			return nil, p.expectedTermAfter(op)
		}
		kid, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeNot, kids: []*node{kid}, pos: op.pos, end: kid.end}, nil
	}
	return p.near(depth)
}

func (p *parser) near(depth int) (*node, *Error) {
	q := p.lx.q
	left, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != lxNear {
		return left, nil
	}
	op := p.tok
	if left.kind != nodeTerm {
		return nil, errAt(q, left.pos, left.end, "NEAR joins two terms or phrases, not a group")
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != lxTerm {
		if p.tok.kind == lxEOF {
			return nil, errAt(q, op.pos, op.end, "NEAR needs a term after it")
		}
		return nil, errAt(q, p.tok.pos, p.tok.end, "NEAR joins two terms or phrases, found %s", p.tok.kind)
	}
	right, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	if p.tok.kind == lxNear {
		return nil, errAt(q, p.tok.pos, p.tok.end, "NEAR joins two terms: combine several with AND, like (a NEAR/3 b) AND (b NEAR/3 c)")
	}
	return &node{kind: nodeNear, kids: []*node{left, right}, dist: op.dist, pos: left.pos, end: right.end}, nil
}

func (p *parser) primary(depth int) (*node, *Error) {
	q := p.lx.q
	switch p.tok.kind {
	case lxTerm:
		t := p.tok.term
		if err := p.advance(); err != nil {
			return nil, err
		}
		return &node{kind: nodeTerm, term: t, pos: t.pos, end: t.end}, nil
	case lxLParen:
		open := p.tok
		if err := p.advance(); err != nil {
			return nil, err
		}
		if p.tok.kind == lxRParen {
			return nil, errAt(q, open.pos, p.tok.end, "empty parentheses: put terms inside")
		}
		if !p.startsUnary() {
			return nil, p.expectedTermAfter(open)
		}
		inner, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.tok.kind != lxRParen {
			if p.tok.kind == lxEOF {
				return nil, errAt(q, open.pos, open.end, "unclosed (: add a )")
			}
			return nil, errAt(q, p.tok.pos, p.tok.end, "expected ), found %s", p.tok.kind)
		}
		inner.pos, inner.end = open.pos, p.tok.end
		if err := p.advance(); err != nil {
			return nil, err
		}
		return inner, nil
	case lxEOF:
		return nil, errAt(q, len(q), len(q), "expected a term at the end of the query")
	}
	return nil, errAt(q, p.tok.pos, p.tok.end, "expected a term, found %s", p.tok.kind)
}

// join builds a binary node, flattening chains of the same operator.
func join(kind nodeKind, left, right *node) *node {
	if left.kind == kind {
		left.kids = append(left.kids, right)
		left.end = right.end
		return left
	}
	return &node{kind: kind, kids: []*node{left, right}, pos: left.pos, end: right.end}
}

// matchesNothingFound returns the smallest part of the query that is true
// for an item with none of the terms, or nil. Such a list would match almost
// every item.
func matchesNothingFound(root *node) *node {
	if !evalEmpty(root) {
		return nil
	}
	n := root
	for {
		switch n.kind {
		case nodeOr:
			i := slices.IndexFunc(n.kids, evalEmpty)
			n = n.kids[i]
			continue
		case nodeAnd:
			if len(n.kids) > 0 && evalEmpty(n.kids[0]) && allEmpty(n.kids) {
				return n
			}
		}
		return n
	}
}

func allEmpty(ns []*node) bool {
	for _, n := range ns {
		if !evalEmpty(n) {
			return false
		}
	}
	return true
}

// evalEmpty evaluates a query for an item in which no term was found.
func evalEmpty(n *node) bool {
	switch n.kind {
	case nodeAnd:
		return allEmpty(n.kids)
	case nodeOr:
		return slices.ContainsFunc(n.kids, evalEmpty)
	case nodeNot:
		return !evalEmpty(n.kids[0])
	}
	return false
}

// String returns the query in a canonical form that parses back to the
// same query: operators written out, groups in parentheses.
func (q *Query) String() string {
	var b strings.Builder
	writeNode(&b, q.root, false)
	return b.String()
}

// Terms returns the terms the query looks for as written, each once, in
// order; not those it excludes (Exclusions).
func (q *Query) Terms() []string { return q.terms(false) }

// Exclusions are the terms the query excludes (-football, NOT police), as
// written: an item holding one is not a hit.
func (q *Query) Exclusions() []string { return q.terms(true) }

func (q *Query) terms(negated bool) []string {
	var out []string
	walkTerms(q.root, func(t *termSpec, neg bool) {
		if neg == negated && !slices.Contains(out, t.src) {
			out = append(out, t.src)
		}
	}, false)
	return out
}

// walkTerms calls fn for every term with whether it is negated.
func walkTerms(n *node, fn func(t *termSpec, negated bool), negated bool) {
	if n.kind == nodeTerm {
		fn(n.term, negated)
		return
	}
	for _, k := range n.kids {
		walkTerms(k, fn, negated != (n.kind == nodeNot))
	}
}

func writeNode(b *strings.Builder, n *node, nested bool) {
	switch n.kind {
	case nodeTerm:
		writeTerm(b, n.term)
	case nodeNot:
		b.WriteString("NOT ")
		writeNode(b, n.kids[0], true)
	case nodeNear:
		writeTerm(b, n.kids[0].term)
		b.WriteString(" NEAR/" + strconv.Itoa(n.dist) + " ")
		writeTerm(b, n.kids[1].term)
	default:
		if nested {
			b.WriteByte('(')
		}
		op := map[nodeKind]string{nodeAnd: " AND ", nodeOr: " OR "}[n.kind]
		for i, k := range n.kids {
			if i > 0 {
				b.WriteString(op)
			}
			writeNode(b, k, true)
		}
		if nested {
			b.WriteByte(')')
		}
	}
}

func writeTerm(b *strings.Builder, t *termSpec) {
	for _, f := range fieldPrefixes {
		if t.field == f.mask {
			b.WriteString(f.name + ":")
		}
	}
	switch t.mark {
	case tokHash:
		b.WriteByte('#')
	case tokMention:
		b.WriteByte('@')
	}
	quote := len(t.words) > 1
	if w := t.words[0].text; len(t.words) == 1 && t.mark == 0 && t.field == inDefault && (w == "AND" || w == "OR" || w == "NOT" || w == "NEAR") {
		quote = true
	}
	if quote {
		b.WriteByte('"')
	}
	for i, w := range t.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
		if w.prefix {
			b.WriteByte('*')
		}
	}
	if quote {
		b.WriteByte('"')
	}
	if t.flags&fExact == fExact {
		b.WriteString("~exact")
	}
	for _, f := range flagNames {
		if f.flag == fExact || t.flags&fExact == fExact && f.flag&fExact != 0 {
			continue
		}
		if t.flags&f.flag != 0 {
			b.WriteString("~" + f.name)
		}
	}
}

const fExact = fNoSubs | fNoRepeat | fAccents | fNoJoin
