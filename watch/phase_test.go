package watch

import (
	"testing"
	"time"
)

func TestOperationPhasesAtTheBoundaries(t *testing.T) {
	start := time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)
	op := Operation{Start: start, End: start.Add(10 * time.Hour)}
	ns := time.Nanosecond
	cases := []struct {
		at   time.Time
		want Phase
	}{
		{start.Add(-48*time.Hour - ns), PhaseUpcoming},
		{start.Add(-48 * time.Hour), PhaseBefore},
		{start.Add(-6*time.Hour - ns), PhaseBefore},
		{start.Add(-6 * time.Hour), PhaseImminent},
		{start.Add(-ns), PhaseImminent},
		{start, PhaseLive},
		{start.Add(10*time.Hour - ns), PhaseLive},
		{start.Add(10 * time.Hour), PhaseAfter},
		{start.Add(16*time.Hour - ns), PhaseAfter},
		{start.Add(16 * time.Hour), PhaseClosed},
	}
	for _, c := range cases {
		if got := op.PhaseAt(c.at); got != c.want {
			t.Errorf("at %s: %s, want %s", c.at.Sub(start), got, c.want)
		}
	}
	if got := op.NextPhaseChange(start.Add(-7 * time.Hour)); !got.Equal(start.Add(-6 * time.Hour)) {
		t.Errorf("next change %s", got)
	}
	if got := op.NextPhaseChange(start.Add(17 * time.Hour)); !got.IsZero() {
		t.Errorf("closed op has a next change %s", got)
	}
}
