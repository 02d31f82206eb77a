package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

func open(t testing.TB) (*Store, *watchtest.Clock, string) {
	t.Helper()
	c := watchtest.NewClock(time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, c, path
}

func TestMigrateFromEmptyAndReopen(t *testing.T) {
	s, c, path := open(t)
	var v int
	if err := s.r.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("user_version = %d, %v; want %d", v, err, len(migrations))
	}
	var mode string
	if err := s.w.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	epoch := s.Epoch()
	if len(epoch) != 16 {
		t.Fatalf("epoch %q", epoch)
	}
	s.Close()
	s2, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Epoch() != epoch {
		t.Fatalf("epoch changed on reopen: %q -> %q", epoch, s2.Epoch())
	}
}

func item(key, title string) watch.Item {
	return watch.Item{SourceID: "src", Key: key, URL: "https://example.org/" + key, Author: "a", Title: title, Text: "body"}
}

func TestRecordItemDedupeAndEvents(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	var mu sync.Mutex
	var published []watch.Event
	s.SetPublisher(func(evs []watch.Event) { mu.Lock(); published = append(published, evs...); mu.Unlock() })

	// no hits: remembered by key only, no content kept, no event
	isNew, views, err := s.RecordItem(ctx, item("k0", "nothing"), nil)
	if err != nil || !isNew || len(views) != 0 {
		t.Fatalf("no-hit item: new=%v views=%d err=%v", isNew, len(views), err)
	}
	var n int
	s.r.QueryRow(`SELECT COUNT(*) FROM items`).Scan(&n)
	if n != 0 {
		t.Fatalf("an item that matched nothing was stored (%d rows)", n)
	}

	hits := []watch.Hit{
		{ListID: "ume", Terms: []string{"rave"}, Spans: []watch.Span{{Field: "title", Start: 0, End: 4}}, Operations: []string{"op1"}},
		{ListID: "gathering", Terms: []string{"meet at"}, Operations: []string{"op1", "op2"}},
	}
	isNew, views, err = s.RecordItem(ctx, item("k1", "rave meet at"), hits)
	if err != nil || !isNew || len(views) != 2 {
		t.Fatalf("hit item: new=%v views=%d err=%v", isNew, len(views), err)
	}
	if views[0].Item.ID == 0 || views[0].ID == 0 || views[1].ID == views[0].ID {
		t.Fatalf("ids not assigned: %+v", views)
	}
	if len(published) != 2 || published[0].Seq >= published[1].Seq || published[0].Type != watch.EventHit {
		t.Fatalf("published %+v", published)
	}

	// the same key again, even with other content: nothing
	isNew, views, err = s.RecordItem(ctx, item("k1", "changed"), hits)
	if err != nil || isNew || len(views) != 0 || len(published) != 2 {
		t.Fatalf("re-record: new=%v views=%d err=%v published=%d", isNew, len(views), err, len(published))
	}
	s.r.QueryRow(`SELECT COUNT(*) FROM hits`).Scan(&n)
	if n != 2 {
		t.Fatalf("hits = %d", n)
	}
	// the same key on another source is another item
	other := item("k1", "rave")
	other.SourceID = "src2"
	if isNew, _, _ := s.RecordItem(ctx, other, hits[:1]); !isNew {
		t.Fatal("same key on another source was deduplicated")
	}
}

func TestRecordItemRollsBackWhole(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	published := 0
	s.SetPublisher(func(evs []watch.Event) { published += len(evs) })
	// two hits of the same list on one item violate UNIQUE(item_id, list):
	// neither the item, nor the first hit, nor any event may remain.
	hits := []watch.Hit{{ListID: "ume"}, {ListID: "ume"}}
	if _, _, err := s.RecordItem(ctx, item("k", "x"), hits); err == nil {
		t.Fatal("want error")
	}
	for _, tbl := range []string{"seen", "items", "hits", "events"} {
		var n int
		s.r.QueryRow(`SELECT COUNT(*) FROM ` + tbl).Scan(&n)
		if n != 0 {
			t.Errorf("%s has %d rows after a failed transaction", tbl, n)
		}
	}
	if published != 0 {
		t.Errorf("published %d events of a rolled back transaction", published)
	}
	// and it can be recorded afterwards
	if isNew, _, err := s.RecordItem(ctx, item("k", "x"), hits[:1]); err != nil || !isNew {
		t.Fatalf("retry: %v %v", isNew, err)
	}
}

func TestReplayAfterSeqByBoard(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	for i, ops := range [][]string{{"a"}, {"b"}, {"a", "b"}, {}} {
		h := []watch.Hit{{ListID: "l", Operations: ops}}
		if _, _, err := s.RecordItem(ctx, item(string(rune('p'+i)), "t"), h); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveSourceHealth(ctx, watch.SourceHealth{SourceID: "src", State: "failing", LastError: "boom"}); err != nil {
		t.Fatal(err)
	}
	seqs := func(board string, after int64) []int64 {
		evs, err := s.EventsAfter(ctx, board, after, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range evs {
			out = append(out, e.Seq)
			if !e.VisibleOn(board) {
				t.Errorf("event %d returned for board %s but not visible on it", e.Seq, board)
			}
		}
		return out
	}
	cases := []struct {
		board string
		after int64
		want  []int64
	}{
		{"all", 0, []int64{1, 2, 3, 4, 5}},
		{"all", 3, []int64{4, 5}},
		{"a", 0, []int64{1, 3, 5}},
		{"b", 1, []int64{2, 3, 5}},
		{"c", 0, []int64{5}},
		{"all", 5, nil},
	}
	for _, c := range cases {
		got := seqs(c.board, c.after)
		if len(got) != len(c.want) {
			t.Errorf("board %s after %d: got %v want %v", c.board, c.after, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("board %s after %d: got %v want %v", c.board, c.after, got, c.want)
				break
			}
		}
	}
	head, _ := s.Head(ctx)
	if head != 5 {
		t.Fatalf("head %d", head)
	}
	snap, err := s.BoardSnapshot(ctx, "a", 10)
	if err != nil || snap.Head != 5 || len(snap.Hits) != 2 || snap.Hits[0].ID < snap.Hits[1].ID {
		t.Fatalf("snapshot %+v %v", snap, err)
	}
}

func TestAnnotationsAppendOnly(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	_, views, err := s.RecordItem(ctx, item("k", "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
	if err != nil {
		t.Fatal(err)
	}
	var evs []watch.Event
	s.SetPublisher(func(e []watch.Event) { evs = append(evs, e...) })
	hid := views[0].ID
	a1, err := s.Annotate(ctx, watch.Annotation{HitID: hid, Author: "pc1", Note: "first look", Tags: []string{"music"}})
	if err != nil {
		t.Fatal(err)
	}
	c.Add(time.Minute)
	a2, err := s.Annotate(ctx, watch.Annotation{HitID: hid, Author: "pc2", Note: "correction", Supersedes: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 || evs[1].Type != watch.EventAnnotation || !evs[1].VisibleOn("op") || evs[1].VisibleOn("other") {
		t.Fatalf("events %+v", evs)
	}
	v, err := s.Hit(ctx, hid)
	if err != nil || len(v.Annotations) != 2 || v.Annotations[1].Supersedes != a1.ID || v.Annotations[0].Note != "first look" || !v.Annotations[1].At.After(v.Annotations[0].At) {
		t.Fatalf("history %+v %v", v.Annotations, err)
	}
	if _, err := s.w.Exec(`UPDATE annotations SET note='x' WHERE id=?`, a2.ID); err == nil {
		t.Fatal("an annotation was updated")
	}
	if _, err := s.Annotate(ctx, watch.Annotation{HitID: 999, Author: "pc1", Note: "x"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("annotate missing hit: %v", err)
	}
	if _, err := s.Annotate(ctx, watch.Annotation{HitID: hid, Author: "pc1", Note: "x", Supersedes: 999}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("supersede missing annotation: %v", err)
	}
}

func TestUsersSessionsAudit(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, watch.User{Name: "Alice", Role: watch.RoleOfficer, PasswordHash: "h"}, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, watch.User{Name: "alice", Role: watch.RoleViewer, PasswordHash: "h"}, "cli"); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate user: %v", err)
	}
	if _, err := s.CreateUser(ctx, watch.User{Name: "bob", Role: "chief", PasswordHash: "h"}, "cli"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad role: %v", err)
	}
	if err := s.CreateSession(ctx, "tok", u, time.Hour, "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionUser(ctx, "tok"); err != nil || got.Name != "Alice" || got.Role != watch.RoleOfficer {
		t.Fatalf("session user %+v %v", got, err)
	}
	c.Add(2 * time.Hour)
	if _, err := s.SessionUser(ctx, "tok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("expired session: %v", err)
	}
	if err := s.DeleteSession(ctx, "tok", "Alice"); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 3 || log[0].Action != "logout" || log[1].Action != "login" || log[2].Action != "user_add" {
		t.Fatalf("audit %+v %v", log, err)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`DELETE FROM audit`); err == nil {
		t.Fatal("audit rows were deleted")
	}
	// tampering (with the guard removed) is detected
	if _, err := s.w.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET detail='role=admin' WHERE action='user_add'`); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyAudit(ctx); err == nil {
		t.Fatal("tampering not detected")
	}
}

// A run of successful polls writes no event; every failed poll does, even
// with the same error as the one before, so the alert service counts
// failures in a row.
func TestSourceHealthEventsOnChangeAndEveryFailure(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	var failures []int
	s.SetPublisher(func(evs []watch.Event) {
		for _, e := range evs {
			var h watch.SourceHealth
			if err := json.Unmarshal(e.Data, &h); err != nil {
				t.Error(err)
			}
			failures = append(failures, h.Failures)
		}
	})
	h, _ := s.SourceHealth(ctx, "x")
	if h.State != "new" {
		t.Fatalf("state %q", h.State)
	}
	h.State, h.ETag = "ok", `"e1"`
	s.SaveSourceHealth(ctx, h)
	s.SaveSourceHealth(ctx, h)
	h.State, h.LastError, h.Failures = "failing", "HTTP 500", 1
	s.SaveSourceHealth(ctx, h)
	h.Failures = 2
	s.SaveSourceHealth(ctx, h)
	h.Failures = 3
	s.SaveSourceHealth(ctx, h)
	if fmt.Sprint(failures) != "[0 1 2 3]" {
		t.Fatalf("source events with failures %v, want [0 1 2 3]", failures)
	}
	got, _ := s.SourceHealth(ctx, "x")
	if got.ETag != `"e1"` || got.Failures != 3 || got.State != "failing" {
		t.Fatalf("%+v", got)
	}
}

func TestHitCounts(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	start := c.Now()
	for i := 0; i < 5; i++ {
		s.RecordItem(ctx, item(string(rune('a'+i)), "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
		c.Add(7 * time.Minute)
	}
	b, err := s.HitCounts(ctx, "op", start, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, x := range b {
		total += x.Count
	}
	if total != 5 || len(b) != 4 || b[0].Count != 2 {
		t.Fatalf("buckets %+v", b)
	}
	if b, _ := s.HitCounts(ctx, "nope", start, 10*time.Minute); b[0].Count != 0 {
		t.Fatalf("other board counted: %+v", b)
	}
}

func TestItemFieldsAndCursorRoundTrip(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	it := item("ev", "Street party")
	start := time.Date(2026, 8, 29, 18, 0, 0, 0, time.UTC)
	it.MediaLinks, it.Language, it.BodySHA256 = []string{"https://example.org/a.jpg"}, "en", "abc123"
	it.EventStart, it.EventEnd, it.Location = start, start.Add(4*time.Hour), "Ladbroke Grove"
	_, v, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Hit(ctx, v[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	g := got.Item
	if len(g.MediaLinks) != 1 || g.Language != "en" || g.BodySHA256 != "abc123" || !g.EventStart.Equal(start) ||
		!g.EventEnd.Equal(start.Add(4*time.Hour)) || g.Location != "Ladbroke Grove" {
		t.Fatalf("item %+v", g)
	}
	if err := s.SaveSourceHealth(ctx, watch.SourceHealth{SourceID: "m", State: "ok", Cursor: "117020593741189701"}); err != nil {
		t.Fatal(err)
	}
	if h, _ := s.SourceHealth(ctx, "m"); h.Cursor != "117020593741189701" {
		t.Fatalf("cursor %q", h.Cursor)
	}
}

func TestAuthorsOf(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	for i, a := range []string{"@a", "@b", "@a", ""} {
		it := item(string(rune('k'+i)), "t")
		it.Author = a
		if _, _, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Operations: []string{"op"}}}); err != nil {
			t.Fatal(err)
		}
	}
	it := item("other", "t")
	it.Author = "@c"
	s.RecordItem(ctx, it, []watch.Hit{{ListID: "l", Operations: []string{"op2"}}})
	got, err := s.AuthorsOf(ctx, "op")
	if err != nil || len(got) != 2 || !((got[0] == "@a" && got[1] == "@b") || (got[0] == "@b" && got[1] == "@a")) {
		t.Fatalf("authors %v %v", got, err)
	}
}
