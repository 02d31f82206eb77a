package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/evidence"
)

func addTestCapture(t *testing.T, s *Store, at time.Time, sha string) evidence.Capture {
	t.Helper()
	c, err := s.AddCapture(context.Background(), evidence.Capture{URL: "https://example.org/p", FinalURL: "https://example.org/p", Status: 200,
		IP: "93.184.216.34", CapturedAt: at, CapturedBy: "jsmith", Tool: "test", Note: "why",
		Artefacts: []evidence.Artefact{{Kind: evidence.KindWARC, SHA256: sha, Size: 10, MediaType: "application/warc"}}},
		evidence.Act{At: at, Actor: "jsmith", Action: evidence.ActCaptured})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The schema itself keeps evidence as it was recorded, whatever SQL runs.
func TestEvidenceSchemaRefusesChanges(t *testing.T) {
	s, clk, _ := open(t)
	ctx := context.Background()
	c := addTestCapture(t, s, clk.Now(), strings.Repeat("a", 64))
	k, err := s.OpenCase(ctx, evidence.Case{Reference: "C1", Officer: "DC Jones", Purpose: "p", OpenedAt: clk.Now(), OpenedBy: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddExhibit(ctx, evidence.Exhibit{CaseID: k.ID, CaptureID: c.ID, Producer: "Jane Smith", Retention: "standard"}, "JS",
		evidence.Act{At: clk.Now(), Actor: "a", Action: evidence.ActAddedToCase}); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`UPDATE evidence_captures SET note = 'other' WHERE id = 1`,
		`UPDATE evidence_artefacts SET sha256 = 'b' WHERE capture_id = 1`,
		`UPDATE evidence_custody SET actor = 'x' WHERE capture_id = 1`,
		`DELETE FROM evidence_custody WHERE capture_id = 1`,
		`DELETE FROM evidence_captures WHERE id = 1`,
		`DELETE FROM evidence_exhibits WHERE id = 1`,
		`UPDATE evidence_exhibits SET reference = 'JS/9' WHERE id = 1`,
		`UPDATE evidence_cases SET officer = 'x' WHERE id = 1`,
		`DELETE FROM evidence_cases WHERE id = 1`,
	} {
		if _, err := s.w.ExecContext(ctx, stmt); err == nil {
			t.Errorf("%s: allowed", stmt)
		}
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE evidence_exhibits SET retention = 'extended' WHERE id = 1`); err != nil {
		t.Errorf("changing the retention class: %v", err)
	}
	if _, err := s.CloseCase(ctx, k.ID, "a", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE evidence_cases SET closed_at = '' WHERE id = 1`); err == nil {
		t.Error("reopening a closed case: allowed")
	}
	log, err := s.Custody(ctx, c.ID)
	if err != nil || len(log) != 2 {
		t.Fatalf("custody = %v, %v", log, err)
	}
	if err := evidence.VerifyChain(log); err != nil {
		t.Error(err)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
}

func TestPruneCapturesKeepsExhibitsAndSharedFiles(t *testing.T) {
	s, clk, _ := open(t)
	ctx := context.Background()
	shared, alone, kept := strings.Repeat("1", 64), strings.Repeat("2", 64), strings.Repeat("3", 64)
	old := clk.Now()
	a := addTestCapture(t, s, old, shared)
	addTestCapture(t, s, old, alone)
	ex := addTestCapture(t, s, old, kept)
	clk.Add(time.Hour)
	addTestCapture(t, s, clk.Now(), shared) // newer, same content as a
	k, _ := s.OpenCase(ctx, evidence.Case{Reference: "C1", Officer: "o", Purpose: "p", OpenedAt: clk.Now(), OpenedBy: "a"})
	if _, err := s.AddExhibit(ctx, evidence.Exhibit{CaseID: k.ID, CaptureID: ex.ID, Producer: "P", Retention: "standard"}, "P",
		evidence.Act{At: clk.Now(), Actor: "a", Action: evidence.ActAddedToCase}); err != nil {
		t.Fatal(err)
	}
	n, orphans, err := s.PruneCaptures(ctx, old.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(orphans) != 1 || orphans[0] != alone {
		t.Fatalf("pruned %d, orphans %v; want 2 and only the unshared file", n, orphans)
	}
	if _, err := s.EvidenceCapture(ctx, a.ID); !errors.Is(err, evidence.ErrNotFound) {
		t.Errorf("pruned capture: %v", err)
	}
	if _, err := s.EvidenceCapture(ctx, ex.ID); err != nil {
		t.Errorf("exhibit: %v", err)
	}
	if log, _ := s.Custody(ctx, a.ID); len(log) != 0 {
		t.Errorf("a pruned capture's custody log is left: %v", log)
	}
}
