package config

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file turns what yaml.v3 says about an unreadable file into problems
// placed as exactly as can be managed.

// encodingOK reports, with its exact place, the first byte that is not UTF-8
// or is a character (most control characters) YAML refuses. yaml.v3 finds these too but says
// nothing of where they are.
func (d *decoder) encodingOK() bool {
	for off := 0; off < len(d.data); {
		r, size := utf8.DecodeRune(d.data[off:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = "the file is not valid UTF-8"
		case !yamlPrintable(r):
			msg = fmt.Sprintf("character %U is not allowed in YAML", r)
		}
		if msg != "" {
			line, col := position(d.data, off)
			d.probs = append(d.probs, Problem{File: d.name, Line: line, Col: col, Msg: msg})
			return false
		}
		off += size
	}
	return true
}

// yamlPrintable is the YAML 1.2 set of characters a stream may hold, as
// yaml.v3's reader checks it.
func yamlPrintable(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0x7e) || r == 0x85 ||
		(r >= 0xa0 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
}

// position turns a byte offset into a 1-based line and column, the column
// counted in characters as yaml.v3 counts it.
func position(data []byte, off int) (line, col int) {
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

var (
	yamlLineRE   = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)
)

// parserProblems are yaml.v3's parser (as against scanner) messages. For
// these, yaml.v3 v3.0.1 reports the 0-based line of the construct the error
// is in, and no line at all when that is the first line; syntax adds the one
// back so the line printed is the line in the editor.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// syntax records a YAML syntax error at the line yaml.v3 gives for it.
func (d *decoder) syntax(err error) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line, col := 0, 0
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	switch m := yamlAnchorRE.FindStringSubmatch(msg); {
	case parserProblems[msg]:
		line++
	case m != nil:
		// yaml.v3 does not say where an unknown anchor is used; the first
		// use in the text is where to look.
		if off := bytes.Index(d.data, []byte("*"+m[1])); off >= 0 {
			line, col = position(d.data, off)
		}
	case line == 0:
		// yaml.v3 leaves the line out when its mark is on the first line.
		line = 1
	}
	d.probs = append(d.probs, Problem{File: d.name, Line: line, Col: col, Msg: "YAML syntax error: " + msg})
}
