package tasking

import (
	"testing"
	"time"
)

// BenchmarkCompute is the figures alone over 100,000 rows spread over two
// years, every week of them shown.
func BenchmarkCompute(b *testing.B) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	span := 2 * 365 * 24 * time.Hour
	rows := make([]Row, 100_000)
	for i := range rows {
		sub := now.Add(-span * time.Duration(len(rows)-i) / time.Duration(len(rows)))
		r := Row{ID: int64(i + 1), Type: DefaultTypes[i%7].ID, Team: DefaultTeams[i%7], Urgency: Urgencies[i%3], State: StateClosed,
			Submitted: sub, Triaged: sub.Add(time.Hour), Accepted: sub.Add(time.Hour), Completed: sub.Add(50 * time.Hour),
			Spans: []Span{{sub, sub.Add(50 * time.Hour)}}, Products: Products{1}, Intelligence: 1, Grading: "1/B/P"}
		rows[i] = r
	}
	f := Filter{From: now.Add(-span - 24*time.Hour), To: now}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Compute(rows, f, now, time.UTC)
	}
}
