package alerts

import (
	"fmt"
	"sort"
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

// authors counts the distinct authors of hits.
func authors(hs []*seenHit) int {
	seen := map[string]bool{}
	for _, h := range hs {
		if h.Author != "" {
			seen[h.Author] = true
		}
	}
	return len(seen)
}

// hitsSummary counts hits and their authors: "3 hits, 2 authors".
func hitsSummary(hs []*seenHit) string {
	s := plural(len(hs), "hit", "hits")
	if n := authors(hs); n > 0 {
		s += ", " + plural(n, "author", "authors")
	}
	return s
}

// severitySummary counts the hits a severity rule sees: "3 high-severity
// hits, 2 authors", or with hits above the rule's level "4 hits of high
// severity or above (1 critical, 3 high), 2 authors".
func severitySummary(hs []*seenHit, min string) string {
	by := map[string]int{}
	for _, h := range hs {
		by[severityName(h.Severity)]++
	}
	var s string
	if len(by) == 1 {
		for sev := range by {
			s = plural(len(hs), sev+"-severity hit", sev+"-severity hits")
		}
	} else {
		levels := make([]string, 0, len(by))
		for sev := range by {
			levels = append(levels, sev)
		}
		sort.Slice(levels, func(i, j int) bool { return SeverityRank(levels[i]) > SeverityRank(levels[j]) })
		parts := make([]string, len(levels))
		for i, sev := range levels {
			parts[i] = fmt.Sprintf("%d %s", by[sev], sev)
		}
		s = fmt.Sprintf("%s of %s severity or above (%s)", plural(len(hs), "hit", "hits"), severityName(min), strings.Join(parts, ", "))
	}
	if n := authors(hs); n > 0 {
		s += ", " + plural(n, "author", "authors")
	}
	return s
}
