package watch

import (
	"strings"
	"testing"
	"time"
)

// Check reports every problem at once, never one hiding another.
func TestOperationCheckReportsEveryProblem(t *testing.T) {
	start := time.Date(2026, 12, 5, 20, 0, 0, 0, time.UTC)
	good := Operation{ID: "gig", Name: "Gig", Kind: "ume", Risk: "high", Start: start, End: start.Add(4 * time.Hour)}
	known := Known{TeamsOptional: true}
	for _, c := range []struct {
		name string
		edit func(o *Operation)
		want string // fields with problems, in order
	}{
		{"good", func(o *Operation) {}, ""},
		{"no start, no end", func(o *Operation) { o.Start, o.End = time.Time{}, time.Time{} }, "start end"},
		{"no start", func(o *Operation) { o.Start = time.Time{} }, "start"},
		{"end before start, bad id", func(o *Operation) { o.ID, o.End = "Gig!", start.Add(-time.Hour) }, "id end"},
		{"all at once", func(o *Operation) {
			o.ID, o.Name, o.End, o.Point, o.RadiusM = "", "", start, &GeoPoint{Lat: 91, Lon: 0}, -1
		}, "id name end lat radius"},
	} {
		o := good
		c.edit(&o)
		var fields []string
		for _, p := range o.Check(known) {
			fields = append(fields, p.Field)
		}
		if got := strings.Join(fields, " "); got != c.want {
			t.Errorf("%s: problems with %q, want %q", c.name, got, c.want)
		}
	}
}
