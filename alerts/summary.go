package alerts

import (
	"fmt"
	"strings"
	"time"
)

// plural counts things in words: "1 hit", "3 hits".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// human writes a duration the way people read it: 1h, 15m, 1h30m, 45s.
func human(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// authorsSummary counts a window's distinct authors: ", 2 authors", or
// ", at least 10000 authors" past what a group keeps.
func authorsSummary(a *authorSet) string {
	n, more := a.count()
	switch {
	case more:
		return fmt.Sprintf(", at least %d authors", n)
	case n > 0:
		return ", " + plural(n, "author", "authors")
	}
	return ""
}

// hitsSummary counts hits and their authors: "3 hits, 2 authors".
func hitsSummary(t tally, a *authorSet) string {
	return plural(t.n, "hit", "hits") + authorsSummary(a)
}

// severitySummary counts the hits a severity rule sees: "3 high-severity
// hits, 2 authors", or with hits above the rule's level "4 hits of high
// severity or above (1 critical, 3 high), 2 authors".
func severitySummary(t tally, min string, a *authorSet) string {
	var parts []string
	for r := len(t.sev) - 1; r >= 0; r-- {
		if t.sev[r] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", t.sev[r], rankName[r]))
		}
	}
	var s string
	if len(parts) == 1 {
		sev := rankName[sevIndex(t.top())]
		s = plural(t.n, sev+"-severity hit", sev+"-severity hits")
	} else {
		s = fmt.Sprintf("%s of %s severity or above (%s)", plural(t.n, "hit", "hits"), severityName(min), strings.Join(parts, ", "))
	}
	return s + authorsSummary(a)
}
