package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// An operation saved from the console is stored with its timeline event
// and audit entry in one transaction; a second create of one id, a bad
// origin and a revert of nothing are refused.
func TestSaveOperationEventAuditAndRefusals(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	var got []watch.Event
	s.SetPublisher(func(evs []watch.Event) { got = append(got, evs...) })
	op := watch.Operation{ID: "gig", Name: "Gig", Start: c.Now(), End: c.Now().Add(time.Hour), Origin: watch.OriginWeb}
	if err := s.SaveOperation(ctx, op, nil, "analyst1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOperation(ctx, op, nil, "analyst1"); !errors.Is(err, ErrExists) {
		t.Fatalf("second create: %v", err)
	}
	op.Origin = watch.OriginConfig
	if err := s.SaveOperation(ctx, op, nil, "analyst1"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("config origin stored: %v", err)
	}
	if len(got) != 1 || got[0].Type != watch.EventOperation || !got[0].VisibleOn("gig") {
		t.Fatalf("events %+v", got)
	}
	ops, err := s.StoredOperations(ctx)
	if err != nil || len(ops) != 1 || ops[0].Name != "Gig" {
		t.Fatalf("stored %+v %v", ops, err)
	}
	if err := s.RemoveOperationOverride(ctx, "nope", watch.Operation{}, "analyst1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("revert of nothing: %v", err)
	}
	log, _ := s.AuditLog(ctx, 5)
	if len(log) != 1 || log[0].Action != "operation_create" || log[0].Target != "operation:gig" {
		t.Fatalf("audit %+v", log)
	}
}

// A draft is proposed once per fingerprint and decided once.
func TestDraftsOncePerEventAndDecidedOnce(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	d := watch.Draft{Fingerprint: "f1", Source: "cal", Title: "Party", EventStart: time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC)}
	for i, want := range []bool{true, false} {
		if added, err := s.ProposeDraft(ctx, d); err != nil || added != want {
			t.Fatalf("propose %d: %v %v", i, added, err)
		}
	}
	ds, _ := s.Drafts(ctx, watch.DraftProposed, 10)
	if len(ds) != 1 || !ds[0].EventStart.Equal(d.EventStart) {
		t.Fatalf("drafts %+v", ds)
	}
	if err := s.DismissDraft(ctx, ds[0].ID, "analyst1", "a private party"); err != nil {
		t.Fatal(err)
	}
	if err := s.AcceptDraft(ctx, ds[0].ID, "party", "analyst2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("decided twice: %v", err)
	}
	if added, _ := s.ProposeDraft(ctx, d); added {
		t.Fatal("a dismissed event was proposed again")
	}
	got, err := s.DraftByID(ctx, ds[0].ID)
	if err != nil || got.State != watch.DraftDismissed || got.DecidedBy != "analyst1" {
		t.Fatalf("draft %+v %v", got, err)
	}
}

// A silence is kept, and expiring it early keeps its new end.
func TestSilencesKept(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	r := watch.Silence{ID: "web-1", Origin: "web", Matchers: map[string]string{"rule": "busy"}, Start: c.Now(), End: c.Now().Add(time.Hour), Reason: "r", Author: "pc1"}
	if err := s.SaveSilence(ctx, r, "silence_add", "pc1"); err != nil {
		t.Fatal(err)
	}
	r.End = c.Now().Add(time.Minute)
	if err := s.SaveSilence(ctx, r, "silence_expire", "pc2"); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Silences(ctx)
	if err != nil || len(rows) != 1 || !rows[0].End.Equal(r.End) || rows[0].Matchers["rule"] != "busy" || rows[0].Author != "pc1" {
		t.Fatalf("silences %+v %v", rows, err)
	}
	if err := s.SaveSilence(ctx, watch.Silence{ID: "x", Origin: "elsewhere", Matchers: map[string]string{}}, "silence_add", "pc1"); err == nil {
		t.Fatal("a silence of unknown origin was stored")
	}
}
