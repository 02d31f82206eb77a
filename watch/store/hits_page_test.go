package store

import (
	"context"
	"fmt"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Paging a board from its snapshot down: every hit once, newest first,
// only the board's, and a hit found meanwhile never lands in a page.
func TestHitsBeforePagesEveryHitOnce(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	for i := range 25 {
		ops := []string{"op"}
		if i%5 == 0 {
			ops = []string{"other"}
		}
		if _, _, err := s.RecordItem(ctx, item(fmt.Sprint("k", i), "t"), []watch.Hit{{ListID: "l", Operations: ops}}); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := s.BoardSnapshot(ctx, "op", 7)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	last := snap.Hits[len(snap.Hits)-1].ID
	for _, h := range snap.Hits {
		seen[h.ID] = true
	}
	// found after the snapshot: comes by the live stream, not in a page
	if _, _, err := s.RecordItem(ctx, item("late", "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}}); err != nil {
		t.Fatal(err)
	}
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page, err := s.HitsBefore(ctx, "op", last, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, h := range page {
			if h.ID >= last || seen[h.ID] {
				t.Fatalf("hit %d out of order or twice (cursor %d)", h.ID, last)
			}
			if len(h.Operations) != 1 || h.Operations[0] != "op" {
				t.Fatalf("hit %d of another board", h.ID)
			}
			seen[h.ID] = true
			last = h.ID
		}
	}
	if len(seen) != 20 {
		t.Fatalf("%d hits paged, want the board's 20", len(seen))
	}
}

func TestBoardPrefsKeptPerPerson(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, watch.User{Name: "pc1", Role: watch.RoleOfficer, PasswordHash: "x"}, "test")
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.BoardPrefs(ctx, u.ID)
	if err != nil || len(p.Sound)+len(p.Notify) != 0 {
		t.Fatalf("default prefs %+v, %v; want nothing on", p, err)
	}
	if err := s.SetBoardPrefs(ctx, u.ID, watch.BoardPrefs{Sound: []string{"critical"}, Notify: []string{"critical", "high"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBoardPrefs(ctx, u.ID, watch.BoardPrefs{Sound: []string{"loud"}}); err == nil {
		t.Fatal("an unknown severity was kept")
	}
	p, err = s.BoardPrefs(ctx, u.ID)
	if err != nil || fmt.Sprint(p.Sound, p.Notify) != "[critical] [critical high]" {
		t.Fatalf("prefs %+v, %v", p, err)
	}
}
