package alerts

import "github.com/watchroom/watchroom/watch/match"

// Severity levels, lowest first: routine < high < critical. A list with no
// severity is routine.
var severityRank = map[string]int{match.SeverityRoutine: 1, match.SeverityHigh: 2, match.SeverityCritical: 3}

// SeverityRank orders severities: routine 1, high 2, critical 3; an empty
// or unknown severity counts as routine.
func SeverityRank(s string) int {
	if r, ok := severityRank[s]; ok {
		return r
	}
	return 1
}

// AtLeast reports whether severity s is min or above: a "high" rule is
// also about critical hits.
func AtLeast(s, min string) bool { return SeverityRank(s) >= SeverityRank(min) }

// severityName is s as a level name, routine when empty or unknown.
func severityName(s string) string {
	if _, ok := severityRank[s]; ok {
		return s
	}
	return match.SeverityRoutine
}

// highest returns the higher of two severities.
func highest(a, b string) string {
	if SeverityRank(b) > SeverityRank(a) {
		return severityName(b)
	}
	return severityName(a)
}
