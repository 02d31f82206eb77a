package source

import (
	"bytes"
	"fmt"
	"iter"
	"strings"
)

// maxICalDepth bounds component nesting. Real calendars nest three deep
// (VCALENDAR, VEVENT, VALARM); the library recurses once per level.
const maxICalDepth = 8

// maxICalLine bounds one unfolded content line, in bytes. Items keep far
// less text than this; the rest would only cost parsing time.
const maxICalLine = 256 << 10

// icalSplit prepares a body for the calendar library, which is strict,
// recursive and reads one calendar: it unfolds lines (see icalUnfold); puts
// property names in upper case (they are case-insensitive); refuses
// nesting deeper than maxICalDepth; drops events past maxItems, which
// would only be parsed to be thrown away; drops an END that closes
// nothing; closes components a cut-off download left open; and returns
// each VCALENDAR on its own, since several are often concatenated. Text
// outside any VCALENDAR is ignored. No calendar at all wraps
// ErrUnparseable.
func icalSplit(body []byte) ([]string, error) {
	body = bytes.TrimPrefix(body, utf8BOM)
	var (
		cals   []string
		cur    strings.Builder
		stack  []string // open components
		events int
		skip   int // depth inside a dropped event; 0: not in one
	)
	emit := func(line string) {
		cur.WriteString(line)
		cur.WriteString("\r\n")
	}
	closeAll := func(down int) {
		for len(stack) > down {
			emit("END:" + stack[len(stack)-1])
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 && cur.Len() > 0 {
			cals = append(cals, cur.String())
			cur.Reset()
		}
	}
	for line := range icalUnfold(strings.ToValidUTF8(string(body), "\uFFFD")) {
		i := contentLineName(line)
		if i < 0 {
			continue // junk before the first property
		}
		name := strings.ToUpper(line[:i])
		line = name + line[i:]
		value := strings.ToUpper(strings.TrimSpace(line[i+1:]))
		switch {
		case skip > 0:
			switch name {
			case "BEGIN":
				skip++
			case "END":
				skip--
			}
			continue
		case name == "BEGIN" && value == "VCALENDAR":
			closeAll(0)
			stack = []string{value}
			emit("BEGIN:VCALENDAR")
			continue
		case len(stack) == 0:
			continue // outside any calendar
		case name == "BEGIN":
			if len(stack) >= maxICalDepth {
				return nil, fmt.Errorf("%w: calendar components nested more than %d deep", ErrUnparseable, maxICalDepth)
			}
			if value == "VEVENT" && len(stack) == 1 {
				if events++; events > maxItems {
					skip = 1
					continue
				}
			}
			stack = append(stack, value)
			line = "BEGIN:" + value
		case name == "END":
			// An END of an outer component closes the inner ones too.
			at := -1
			for j := len(stack) - 1; j >= 0; j-- {
				if stack[j] == value {
					at = j
					break
				}
			}
			if at >= 0 {
				closeAll(at)
			}
			continue
		}
		emit(line)
	}
	closeAll(0)
	if len(cals) == 0 {
		return nil, fmt.Errorf("%w: no VCALENDAR in the body", ErrUnparseable)
	}
	return cals, nil
}

// icalUnfold yields the content lines of text, joining folded ones (a line
// break followed by a space or tab) and lines that do not start a property
// (text wrapped without folding, joined with a space), each cut at about
// maxICalLine.
func icalUnfold(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		var cur strings.Builder
		for len(text) > 0 {
			l := text
			if i := strings.IndexByte(text, '\n'); i >= 0 {
				l, text = text[:i], text[i+1:]
			} else {
				text = ""
			}
			l = strings.TrimSuffix(l, "\r")
			switch {
			case l == "":
			case cur.Len() >= maxICalLine && (l[0] == ' ' || l[0] == '\t' || contentLineName(l) < 0):
				// The line is long enough: the rest of it is dropped.
			case l[0] == ' ' || l[0] == '\t':
				cur.WriteString(l[1:])
			case contentLineName(l) < 0 && cur.Len() > 0:
				cur.WriteByte(' ')
				cur.WriteString(strings.TrimSpace(l))
			default:
				if cur.Len() > 0 && !yield(cur.String()) {
					return
				}
				cur.Reset()
				cur.WriteString(l)
			}
		}
		if cur.Len() > 0 {
			yield(cur.String())
		}
	}
}

// contentLineName is the length of the property name a content line
// starts with (letters, digits and "-", then ";" or ":"), or -1 when it
// starts none.
func contentLineName(l string) int {
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		case (c == ';' || c == ':') && i > 0:
			return i
		default:
			return -1
		}
	}
	return -1
}
