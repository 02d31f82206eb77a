package watch

import (
	"sort"
	"time"
)

// Count is a label and how often it occurred.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Bucket is a count of hits in [Start, Start+width).
type Bucket struct {
	Start time.Time
	Count int
}

// BoardStats are the counts a board's charts draw: hits per bucket and
// watch list, hits per source, and the terms matched in the last hour.
type BoardStats struct {
	Buckets  []time.Time      // bucket starts
	ByList   map[string][]int // list -> count per bucket
	BySource map[string]int   // over the whole span
	TopTerms map[string]int   // in the last hour
}

// PollStats is a source's polling since a time.
type PollStats struct {
	Polls, NotModified, Errors, NewItems int
}

// TermStat is how a watch-list term has done: hits in the last 7 and 30
// days, and how many of the 30 days' hits an officer marked not relevant.
type TermStat struct {
	List        string `json:"list"`
	Term        string `json:"term"`
	Hits7       int    `json:"hits_7d"`
	Hits30      int    `json:"hits_30d"`
	NotRelevant int    `json:"not_relevant_30d"`
}

// Share is the part of the 30 days' hits marked not relevant (0 to 1).
func (t TermStat) Share() float64 {
	if t.Hits30 == 0 {
		return 0
	}
	return float64(t.NotRelevant) / float64(t.Hits30)
}

// TopCounts ranks counts, most first (ties by label), and keeps n.
func TopCounts(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{Label: k, N: v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
