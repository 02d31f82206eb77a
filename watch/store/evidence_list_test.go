package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/evidence"
)

func TestEvidenceCapturesNewestFirstAndExhibitOfCapture(t *testing.T) {
	s, clk, _ := open(t)
	ctx := context.Background()
	a := addTestCapture(t, s, clk.Now(), strings.Repeat("a", 64))
	b := addTestCapture(t, s, clk.Now(), strings.Repeat("b", 64))
	got, err := s.EvidenceCaptures(ctx, 10)
	if err != nil || len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID || got[0].Note != "why" {
		t.Fatalf("captures = %+v, %v", got, err)
	}
	if got, _ := s.EvidenceCaptures(ctx, 1); len(got) != 1 {
		t.Fatalf("limit 1 gave %d", len(got))
	}
	if _, err := s.ExhibitOfCapture(ctx, a.ID); !errors.Is(err, evidence.ErrNotFound) {
		t.Fatalf("no exhibit yet: %v", err)
	}
	k, err := s.OpenCase(ctx, evidence.Case{Reference: "C1", Officer: "DC Jones", Purpose: "p", OpenedAt: clk.Now(), OpenedBy: "a"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.AddExhibit(ctx, evidence.Exhibit{CaseID: k.ID, CaptureID: a.ID, Producer: "Jane Smith", Retention: "standard"}, "JS",
		evidence.Act{At: clk.Now(), Actor: "a", Action: evidence.ActAddedToCase})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.ExhibitOfCapture(ctx, a.ID); err != nil || got.ID != e.ID || got.Reference != "JS/1" {
		t.Fatalf("exhibit of capture = %+v, %v", got, err)
	}
}
