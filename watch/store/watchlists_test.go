package store

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func TestWatchListsSaveConflictDeleteAudited(t *testing.T) {
	s, c, path := open(t)
	ctx := context.Background()
	l := watch.StoredList{List: watch.WatchList{ID: "drill", Name: "Drill", Query: `drill* -police`, Severity: "high",
		Sources: []string{"src"}}, Operations: []string{"op1"}}
	saved, err := s.SaveWatchList(ctx, l, watch.AuditEntry{Actor: "an1", Action: "watchlist_create", Target: "watchlist:drill", Detail: "new"})
	if err != nil {
		t.Fatal(err)
	}
	if saved.Rev != 1 || saved.CreatedBy != "an1" || !saved.Created.Equal(c.Now()) {
		t.Fatalf("saved %+v", saved)
	}
	// a writer who read no list (rev 0) may not overwrite one
	if _, err := s.SaveWatchList(ctx, l, watch.AuditEntry{Actor: "an2", Action: "watchlist_create"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("second create: %v", err)
	}
	c.Add(time.Minute)
	edit := saved
	edit.List.Query, edit.Disabled = `drill* OR grime`, true
	edit, err = s.SaveWatchList(ctx, edit, watch.AuditEntry{Actor: "an2", Action: "watchlist_edit", Target: "watchlist:drill", Detail: "old new"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveWatchList(ctx, saved, watch.AuditEntry{Actor: "an1", Action: "watchlist_edit"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale edit: %v", err)
	}
	// an override of a config list, and a reopened database
	if _, err := s.SaveWatchList(ctx, watch.StoredList{List: watch.WatchList{ID: "ume", Terms: []string{"rave"}}, Override: true},
		watch.AuditEntry{Actor: "an1", Action: "watchlist_edit"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.StoredWatchLists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := watch.StoredList{List: watch.WatchList{ID: "drill", Name: "Drill", Query: `drill* OR grime`, Severity: "high", Sources: []string{"src"}},
		Operations: []string{"op1"}, Disabled: true, Rev: 2, CreatedBy: "an1", Created: c.Now().Add(-time.Minute), UpdatedBy: "an2", Updated: c.Now()}
	if len(got) != 2 || !reflect.DeepEqual(got[0], want) || got[1].List.ID != "ume" || !got[1].Override || got[1].Operations == nil {
		t.Fatalf("stored\n%+v\nwant\n%+v", got, want)
	}
	if err := s.DeleteWatchList(ctx, "drill", 1, watch.AuditEntry{Actor: "an1", Action: "watchlist_delete"}); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale delete: %v", err)
	}
	if err := s.DeleteWatchList(ctx, "drill", 2, watch.AuditEntry{Actor: "an1", Action: "watchlist_delete", Target: "watchlist:drill"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWatchList(ctx, "drill", 2, watch.AuditEntry{Actor: "an1", Action: "watchlist_delete"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete again: %v", err)
	}
	// every change that was written is in the audit log, refused ones are not
	log, _ := s.AuditLog(ctx, 10)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if !reflect.DeepEqual(actions[:4], []string{"watchlist_delete", "watchlist_edit", "watchlist_edit", "watchlist_create"}) {
		t.Fatalf("audit %v", actions)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestItemsSinceNewestFirstCapped(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	for i, k := range []string{"a", "b", "c", "d"} {
		if _, _, err := s.RecordItem(ctx, item(k, "rave "+k), []watch.Hit{{ListID: "ume"}}); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			c.Add(24 * time.Hour)
		}
	}
	got, err := s.ItemsSince(ctx, c.Now().Add(-36*time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Title != "rave d" || got[1].Title != "rave c" {
		t.Fatalf("items %+v", got)
	}
	if got, _ := s.ItemsSince(ctx, time.Time{}, 3); len(got) != 3 {
		t.Fatalf("cap: %d", len(got))
	}
}
