package match

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type lexKind uint8

const (
	lxEOF lexKind = iota
	lxTerm
	lxLParen
	lxRParen
	lxAnd
	lxOr
	lxNot
	lxNear
	lxMinus
)

func (k lexKind) String() string {
	return [...]string{"end of query", "term", "(", ")", "AND", "OR", "NOT", "NEAR", "-"}[k]
}

type lexeme struct {
	kind     lexKind
	pos, end int
	term     *termSpec // lxTerm
	dist     int       // lxNear
}

// fieldMask is the set of Doc fields a term is searched in.
type fieldMask uint8

const (
	inTitle fieldMask = 1 << iota
	inText
	inAuthor
	inURL
	inDefault = inTitle | inText
)

var fieldPrefixes = []struct {
	name string
	mask fieldMask
}{{"author", inAuthor}, {"title", inTitle}, {"url", inURL}}

var flagNames = []struct {
	name string
	flag wordFlags
}{
	{"exact", fExact},
	{"spaced", fSpaced},
	{"nosubs", fNoSubs},
	{"norepeat", fNoRepeat},
	{"accents", fAccents},
	{"nojoin", fNoJoin},
}

// maxNear bounds NEAR's distance; farther apart is as good as AND.
const maxNear = 100

// termSpec is one term of a query as parsed.
type termSpec struct {
	src      string // as written, for Result.Terms
	pos, end int
	field    fieldMask
	mark     tokFlags // tokHash or tokMention: the first word must carry it
	words    []wordSpec
	flags    wordFlags
	quoted   bool
	emoji    bool // its words are emoji, counted apart from words
}

type wordSpec struct {
	text   string // as written, without the wildcard
	prefix bool
}

type lexer struct {
	q  string
	i  int
	tz tokenizer
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// boundary reports whether a term may end before q[i].
func (l *lexer) boundary(i int) bool {
	if i >= len(l.q) {
		return true
	}
	switch l.q[i] {
	case '(', ')':
		return true
	}
	r, _ := utf8.DecodeRuneInString(l.q[i:])
	return isSpace(r)
}

func (l *lexer) next() (lexeme, *Error) {
	q := l.q
	for l.i < len(q) {
		r, w := utf8.DecodeRuneInString(q[l.i:])
		if !isSpace(r) {
			break
		}
		l.i += w
	}
	start := l.i
	if start >= len(q) {
		return lexeme{kind: lxEOF, pos: len(q), end: len(q)}, nil
	}
	switch q[start] {
	case '(':
		l.i++
		return lexeme{kind: lxLParen, pos: start, end: l.i}, nil
	case ')':
		l.i++
		return lexeme{kind: lxRParen, pos: start, end: l.i}, nil
	case '-':
		if l.boundary(start+1) && (start+1 >= len(q) || q[start+1] != '(') {
			return lexeme{}, errAt(q, start, start+1, "- excludes the term written right after it: remove the space")
		}
		l.i++
		return lexeme{kind: lxMinus, pos: start, end: l.i}, nil
	}
	end := start
	for end < len(q) && !l.boundary(end) && q[end] != '"' {
		end++
	}
	switch word := q[start:end]; {
	case word == "AND":
		l.i = end
		return lexeme{kind: lxAnd, pos: start, end: end}, nil
	case word == "OR":
		l.i = end
		return lexeme{kind: lxOr, pos: start, end: end}, nil
	case word == "NOT":
		l.i = end
		return lexeme{kind: lxNot, pos: start, end: end}, nil
	case word == "NEAR" || strings.HasPrefix(word, "NEAR/"):
		l.i = end
		d, err := strconv.Atoi(strings.TrimPrefix(word, "NEAR/"))
		if word == "NEAR" || err != nil || d < 0 || strings.HasPrefix(word, "NEAR/+") {
			return lexeme{}, errAt(q, start, end, "NEAR needs a distance in words, like NEAR/5")
		}
		if d > maxNear {
			return lexeme{}, errAt(q, start, end, "NEAR distance %d is more than %d words", d, maxNear)
		}
		return lexeme{kind: lxNear, pos: start, end: end, dist: d}, nil
	}
	t, err := l.term(start)
	if err != nil {
		return lexeme{}, err
	}
	return lexeme{kind: lxTerm, pos: t.pos, end: t.end, term: t}, nil
}

// term lexes a term: an optional scope, a word or a "phrase", an optional
// wildcard and options.
func (l *lexer) term(start int) (*termSpec, *Error) {
	q := l.q
	t := &termSpec{pos: start, field: inDefault}
	i := start
	if f, n, err := l.field(i); err != nil {
		return nil, err
	} else if n > 0 {
		t.field = f
		i += n
	}
	if c := q[i]; c == '#' || c == '@' {
		t.mark, t.field = tokHash, t.field&inDefault
		kind := "hashtag"
		if c == '@' {
			t.mark, kind = tokMention, "mention"
		}
		if t.field == 0 {
			return nil, errAt(q, start, i+1, "%c%s are looked for in titles and texts, not in %s", c, kind+"s", q[start:i])
		}
		if l.boundary(i+1) || q[i+1] == '"' {
			return nil, errAt(q, i, i+1, "%c needs the %s written right after it, like %cdrill", c, kind, c)
		}
		i++
	}
	if q[i] == '"' {
		closeAt := strings.IndexByte(q[i+1:], '"')
		if closeAt < 0 {
			return nil, errAt(q, i, len(q), "unclosed quote: add a closing \"")
		}
		t.quoted = true
		if err := l.words(t, i+1, i+1+closeAt, true); err != nil {
			return nil, err
		}
		i += closeAt + 2
	} else {
		end := i
		for end < len(q) && !l.boundary(end) && q[end] != '"' && q[end] != '~' {
			end++
		}
		if err := l.words(t, i, end, false); err != nil {
			return nil, err
		}
		i = end
	}
	if t.mark != 0 && len(t.words) > 1 {
		return nil, errAt(q, start, i, "a hashtag or mention is a single word")
	}
	for i < len(q) && q[i] == '~' {
		end := i + 1
		for end < len(q) && q[end] < utf8.RuneSelf && unicode.IsLetter(rune(q[end])) {
			end++
		}
		f, ok := lookupFlag(q[i+1 : end])
		if !ok {
			return nil, errAt(q, i, end, "unknown option %q: the options are ~exact, ~spaced, ~nosubs, ~norepeat, ~accents and ~nojoin", q[i:end])
		}
		t.flags |= f
		i = end
	}
	if t.flags&fSpaced != 0 && slices.ContainsFunc(t.words, func(w wordSpec) bool { return w.prefix }) {
		return nil, errAt(q, start, i, "~spaced does not work with a wildcard")
	}
	if !l.boundary(i) {
		return nil, errAt(q, i, i+1, "unexpected %q after a term: separate terms with a space", q[i:i+1])
	}
	t.end = i
	t.src = q[start:i]
	l.i = i
	return t, nil
}

// field lexes a field scope such as "author:" at q[i] and returns its mask
// and length, or n == 0 when there is none.
func (l *lexer) field(i int) (fieldMask, int, *Error) {
	q := l.q
	end := i
	for end < len(q) && (q[end] >= 'a' && q[end] <= 'z' || q[end] >= 'A' && q[end] <= 'Z') {
		end++
	}
	if end == i || end >= len(q) || q[end] != ':' {
		return 0, 0, nil
	}
	name := strings.ToLower(q[i:end])
	for _, f := range fieldPrefixes {
		if f.name != name {
			continue
		}
		if l.boundary(end + 1) {
			return 0, 0, errAt(q, i, end+1, "%s: needs a term written right after it, like %s:drill", name, name)
		}
		return f.mask, end + 1 - i, nil
	}
	if l.boundary(end+1) || q[end+1] == '/' {
		return 0, 0, nil // a plain colon (10:30, http://)
	}
	return 0, 0, errAt(q, i, end+1, "unknown field %q: the fields are author:, title: and url:", q[i:end+1])
}

func lookupFlag(name string) (wordFlags, bool) {
	for _, f := range flagNames {
		if f.name == strings.ToLower(name) {
			return f.flag, true
		}
	}
	return 0, false
}

// words splits q[from:to] into the term's words with the text tokenizer, so
// a term is cut exactly like the text it is looked for in.
func (l *lexer) words(t *termSpec, from, to int, quoted bool) *Error {
	q := l.q
	if from == to && !quoted {
		return errAt(q, from, from+1, "expected a term here")
	}
	s := q[:to]
	kinds := map[bool]bool{}
	for i := from; ; {
		tok, after, ok := l.tz.next(s, i)
		if !ok {
			break
		}
		w := wordSpec{text: s[tok.start:tok.end]}
		// A wildcard is a '*' right after a word, at the end of the word
		// as written.
		if tok.end < to && q[tok.end] == '*' && (tok.end+1 == to || l.boundary(tok.end+1) || quoted && q[tok.end+1] == ' ') {
			w.prefix = true
			if utf8.RuneCountInString(w.text) < 2 || tok.kind != kindWord {
				return errAt(q, tok.start, tok.end+1, "a wildcard needs at least two letters before *")
			}
		}
		kinds[tok.kind == kindEmoji] = true
		t.words = append(t.words, w)
		i = after
	}
	if len(t.words) == 0 {
		if quoted {
			return errAt(q, from-1, to+1, "this phrase has no letters, digits or emoji to look for")
		}
		return errAt(q, from, to, "%q has no letters, digits or emoji to look for", q[from:to])
	}
	if len(kinds) > 1 {
		return errAt(q, from, to, "a term cannot mix emoji and words: join them with NEAR or AND")
	}
	t.emoji = kinds[true]
	return nil
}
