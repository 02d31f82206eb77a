package store

import (
	"context"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// A stored version comes back with its document; a listing leaves the
// documents out.
func TestBriefingKeepsItsDocument(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	doc := watch.Briefing{Operation: watch.Operation{ID: "op", Name: "Gig"}, Phase: watch.PhaseBefore, GeneratedAt: c.Now(),
		HitCount: 2, TopTerms: []watch.Count{{Label: "rave", N: 2}}, OverTime: []watch.Bucket{{Start: c.Now(), Count: 2}},
		Alerts: []watch.Alert{{Fingerprint: "fp", State: "firing", Evidence: []int64{1, 2}}},
		Note:   watch.BriefingNote{Operation: "op", Summary: "quiet so far"}}
	b, err := s.AddBriefing(ctx, watch.BriefingVersion{Operation: "op", Generator: "schedule", SHA256: "00", Doc: doc})
	if err != nil || b.Version != 1 || b.ID == 0 {
		t.Fatalf("add %+v %v", b, err)
	}
	got, err := s.Briefing(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := got.Doc
	if got.Version != 1 || got.Generator != "schedule" || d.Operation.Name != "Gig" || d.Phase != watch.PhaseBefore || d.HitCount != 2 ||
		len(d.TopTerms) != 1 || d.TopTerms[0].N != 2 || len(d.OverTime) != 1 || !d.OverTime[0].Start.Equal(c.Now()) ||
		len(d.Alerts) != 1 || d.Alerts[0].Evidence[1] != 2 || d.Note.Summary != "quiet so far" || !d.GeneratedAt.Equal(c.Now()) {
		t.Fatalf("stored briefing %+v", got)
	}
	vs, err := s.Briefings(ctx, "op")
	if err != nil || len(vs) != 1 || vs[0].ID != b.ID || vs[0].Doc.HitCount != 0 {
		t.Fatalf("versions %+v %v", vs, err)
	}
}
