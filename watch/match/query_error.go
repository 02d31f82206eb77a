package match

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Error is a problem in a query and where it is, so that the command line
// and the editor can point at it.
type Error struct {
	Pos    int // byte offset in the query where the problem starts
	End    int // byte offset where it ends (End > Pos, except at the end of the query)
	Line   int // line of Pos, from 1
	Column int // column of Pos in runes on its line, from 1
	Msg    string
}

func (e *Error) Error() string {
	if e.Line > 1 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("column %d: %s", e.Column, e.Msg)
}

// Caret returns the query's line that holds the problem and, under it,
// carets under the offending text, aligned for a fixed-width display (wide
// CJK runes take two columns, combining marks none):
//
//	drill AND
//	         ^
func (e *Error) Caret(query string) string {
	pos := min(max(e.Pos, 0), len(query))
	end := min(max(e.End, pos), len(query))
	lineStart := strings.LastIndexByte(query[:pos], '\n') + 1
	lineEnd := len(query)
	if i := strings.IndexByte(query[pos:], '\n'); i >= 0 {
		lineEnd = pos + i
	}
	end = min(end, lineEnd)
	var b strings.Builder
	b.WriteString(strings.TrimRight(query[lineStart:lineEnd], "\r"))
	b.WriteByte('\n')
	for _, r := range query[lineStart:pos] {
		if r == '\t' {
			b.WriteByte('\t')
			continue
		}
		b.WriteString(strings.Repeat(" ", displayWidth(r)))
	}
	n := 0
	for _, r := range query[pos:end] {
		n += displayWidth(r)
	}
	b.WriteString(strings.Repeat("^", max(n, 1)))
	return b.String()
}

func displayWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r >= 0x1F000 && r <= 0x1FAFF:
		return 2 // emoji are drawn wide
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// errAt builds an Error for query[pos:end].
func errAt(query string, pos, end int, format string, args ...any) *Error {
	pos = min(max(pos, 0), len(query))
	end = min(max(end, pos), len(query))
	lineStart := strings.LastIndexByte(query[:pos], '\n') + 1
	return &Error{
		Pos:    pos,
		End:    end,
		Line:   strings.Count(query[:pos], "\n") + 1,
		Column: utf8.RuneCountInString(query[lineStart:pos]) + 1,
		Msg:    fmt.Sprintf(format, args...),
	}
}
