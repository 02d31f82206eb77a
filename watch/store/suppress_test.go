package store

import (
	"context"
	"errors"
	"testing"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// An author erased with "do not collect again" is dropped when collected
// later: in the source named, or every source, never stored, and the
// suppression outlives a restart. Other authors, and the same author in
// another source when one was named, are stored as before. Lifting it,
// audited, lets new posts in again. Nothing names the author but the
// keyed hash.
func TestSuppressedAuthorIsNotCollectedAgain(t *testing.T) {
	s, _, path := open(t)
	ctx := context.Background()
	post := func(s *Store, key, source, author string) bool {
		t.Helper()
		it := item(key, "rave tonight")
		it.SourceID, it.Author = source, author
		isNew, hits, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
		if err != nil {
			t.Fatal(err)
		}
		return isNew && len(hits) == 1
	}
	post(s, "k1", "src", "Jo Bloggs")
	if _, err := s.Erase(ctx, EraseRequest{Scope: EraseItem, ItemID: 1, By: "admin", Reason: "r", Suppress: true}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("suppress with an item's erasure: %v", err)
	}
	e, err := s.Erase(ctx, EraseRequest{Scope: EraseAuthor, Source: "src", Author: "Jo Bloggs", By: "admin", Reason: "a child", Suppress: true})
	if err != nil || !e.Suppress {
		t.Fatalf("erase and suppress: %+v, %v", e, err)
	}
	if post(s, "k2", "src", "Jo Bloggs") {
		t.Fatal("a suppressed author's new post was stored")
	}
	if !post(s, "k3", "other", "Jo Bloggs") || !post(s, "k4", "src", "Someone Else") {
		t.Fatal("a suppression for one source held beyond its author there")
	}
	if n := count(t, s, `SELECT COUNT(*) FROM items WHERE author = 'Jo Bloggs' AND source = 'src'`); n != 0 {
		t.Fatalf("%d items of the suppressed author stored", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE detail LIKE '%Bloggs%' OR target LIKE '%Bloggs%'`) +
		count(t, s, `SELECT COUNT(*) FROM suppressions WHERE target LIKE '%Bloggs%'`); n != 0 {
		t.Fatal("the record names the suppressed author")
	}
	// every source, after a restart
	if _, err := s.Erase(ctx, EraseRequest{Scope: EraseAuthor, Author: "Jo Bloggs", By: "admin", Reason: "a child", Suppress: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, path, watchtest.Logger(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if post(s2, "k5", "third", "Jo Bloggs") {
		t.Fatal("after a restart, the author suppressed in every source was stored")
	}
	sps, err := s2.Suppressions(ctx)
	if err != nil || len(sps) != 2 {
		t.Fatalf("suppressions %+v, %v", sps, err)
	}
	for _, sp := range sps {
		if err := s2.LiftSuppression(ctx, sp.Target, "admin", ""); !errors.Is(err, ErrInvalid) {
			t.Fatalf("lift without a reason: %v", err)
		}
		if err := s2.LiftSuppression(ctx, sp.Target, "admin", "the order ended"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s2.LiftSuppression(ctx, sps[0].Target, "admin", "again"); !errors.Is(err, ErrNoSuppression) {
		t.Fatalf("lift twice: %v", err)
	}
	if !post(s2, "k6", "src", "Jo Bloggs") {
		t.Fatal("after the suppressions were lifted, a new post was not stored")
	}
	if n := count(t, s2, `SELECT COUNT(*) FROM audit WHERE action = 'suppression_lift'`); n != 2 {
		t.Fatalf("%d lifts audited", n)
	}
	if n := count(t, s2, `SELECT COUNT(*) FROM audit WHERE action = 'erasure' AND detail LIKE '%suppressed=yes%'`); n != 2 {
		t.Fatalf("%d suppressing erasures audited", n)
	}
}
