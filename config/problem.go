package config

import (
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a config file, placed by line, column and
// key path so an analyst can go straight to it.
type Problem struct {
	File string // the file's name, or "$WATCHROOM_LISTEN" style for a value from the environment
	Line int    // 1-based; 0 when not known
	Col  int    // 1-based; 0 when not known
	Path string // key path such as sources[2].url; empty for the file as a whole
	Msg  string
}

// String formats p as "FILE:LINE:COL: PATH: MSG", the form editors and
// terminals turn into a jump to the spot. Parts that are not known (a zero
// line or column, an empty path) are left out rather than printed as zero.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
		if p.Col > 0 {
			b.WriteString(":" + strconv.Itoa(p.Col))
		}
	}
	b.WriteString(": ")
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in one config file, in file order. It is
// the error Parse and Load return when a file is not valid; use errors.As to
// get at the individual problems.
type Problems []Problem

// Error lists the problems one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// sort orders problems by line then column; the sort is stable so problems
// at one spot keep the order in which they were found.
func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
}
