package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

// A database made before tasking keeps its users, their ids and their
// sessions, and then takes the new roles.
func TestMigrateUsersForTasking(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 14; i++ {
		if _, err := db.Exec(migrations[i]); err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
	}
	if _, err := db.Exec(`PRAGMA user_version = 14;
		INSERT INTO users(id, name, role, password_hash, created, team) VALUES(7, 'Ann', 'analyst', 'h', '2026-01-01T00:00:00.000000000Z', 'north');
		INSERT INTO sessions(token_hash, user_id, created, expires) VALUES('tok', 7, 'x', '2099-01-01T00:00:00.000000000Z');
		INSERT INTO user_prefs(user_id, prefs, updated) VALUES(7, '{}', 'x')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserByID(context.Background(), 7)
	if err != nil || u.Name != "Ann" || u.Role != watch.RoleAnalyst || u.Team != "north" {
		t.Fatalf("user after migration: %+v, %v", u, err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM sessions WHERE user_id = 7`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("sessions kept: %d, %v", n, err)
	}
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM user_prefs WHERE user_id = 7`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("preferences kept: %d, %v", n, err)
	}
	for _, role := range []watch.Role{watch.RoleRequester, watch.RoleSupervisor} {
		if _, err := s.CreateUser(context.Background(), watch.User{Name: string(role) + "1", Role: role, PasswordHash: "h"}, "test"); err != nil {
			t.Fatalf("create %s: %v", role, err)
		}
	}
	// the foreign key still holds: deleting the user removes the session
	if _, err := s.w.Exec(`DELETE FROM user_prefs WHERE user_id = 7; DELETE FROM users WHERE id = 7`); err != nil {
		t.Fatal(err)
	}
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("sessions after deleting the user: %d, %v", n, err)
	}
}

func testRequest(requester int64) tasking.Request {
	return tasking.Request{RequesterID: requester, Requester: fmt.Sprintf("user%d", requester), Type: "pre_event", Team: "CID",
		Contact: "PC 1 Smith, 0101", Urgency: tasking.UrgencyPriority, NeededBy: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC),
		Asked: "Pre-event picture for the match", Why: "Public order planning", EventName: "Derby"}
}

// A request's life: each decision writes its row, history, event and
// audit entry together; its events reach its requester's board and the
// tasking board, and never "all" or another requester's.
func TestRequestLifecycleAndBoards(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	var published []watch.Event
	s.SetPublisher(func(evs []watch.Event) { published = append(published, evs...) })

	r, err := s.SaveRequestForm(ctx, testRequest(3), false, "")
	if err != nil || r.ID == 0 || r.State != tasking.StateDraft {
		t.Fatalf("draft: %+v, %v", r, err)
	}
	if len(published) != 0 {
		t.Fatalf("a draft published %d events", len(published))
	}
	// another requester cannot touch it
	other := testRequest(4)
	other.ID = r.ID
	if _, err := s.SaveRequestForm(ctx, other, true, ""); !errors.Is(err, ErrForbidden) {
		t.Fatalf("another's save: %v", err)
	}
	c.Add(time.Hour)
	if r, err = s.SaveRequestForm(ctx, r, true, ""); err != nil || r.State != tasking.StateSubmitted {
		t.Fatalf("submit: %+v, %v", r, err)
	}
	c.Add(2 * time.Hour)
	due := c.Now().Add(48 * time.Hour)
	if r, err = s.DecideRequest(ctx, r.ID, tasking.Decision{Action: tasking.ActAccept, By: "sgt", Priority: "P2", Assignee: "ann", Due: due}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err = s.DecideRequest(ctx, r.ID, tasking.Decision{Action: tasking.ActLink, By: "ann", Link: tasking.Link{Kind: "operation", Ref: "derby"}}, nil); err != nil {
		t.Fatal(err)
	}
	p, err := s.AddProduct(ctx, r.ID, "Assessment", "Low risk.", "ann")
	if err != nil || p.Version != 1 || len(p.SHA256) != 64 {
		t.Fatalf("product: %+v, %v", p, err)
	}
	if _, err := s.w.Exec(`UPDATE request_products SET text = 'changed'`); err == nil {
		t.Fatal("a product version was changed")
	}
	if rel, _ := s.Products(ctx, r.ID, true); len(rel) != 0 {
		t.Fatalf("unreleased product shown to the requester: %+v", rel)
	}
	if err := s.ReleaseProduct(ctx, r.ID, 1, "ann"); err != nil {
		t.Fatal(err)
	}
	if _, err = s.DecideRequest(ctx, r.ID, tasking.Decision{Action: tasking.ActClose, By: "ann",
		Outcome: tasking.Outcome{Intelligence: 2, Grading: tasking.Grading{Source: "1", Intelligence: "B", Handling: "P"}, Delivered: 1, Note: "Plan changed."}}, nil); err != nil {
		t.Fatal(err)
	}
	// a decision the state does not allow changes nothing
	if _, err = s.DecideRequest(ctx, r.ID, tasking.Decision{Action: tasking.ActAskInfo, By: "sgt", Text: "?"}, nil); !errors.Is(err, tasking.ErrState) {
		t.Fatalf("ask after close: %v", err)
	}

	hist, _ := s.RequestHistory(ctx, r.ID, false)
	pub, _ := s.RequestHistory(ctx, r.ID, true)
	if len(hist) != 6 || len(pub) != 4 {
		t.Fatalf("history %d entries (want 6), public %d (want 4)", len(hist), len(pub))
	}
	mine, _ := s.EventsAfter(ctx, watch.RequesterBoard(3), 0, 100)
	theirs, _ := s.EventsAfter(ctx, watch.RequesterBoard(4), 0, 100)
	hub, _ := s.EventsAfter(ctx, watch.BoardTasking, 0, 100)
	all, _ := s.EventsAfter(ctx, watch.BoardAll, 0, 100)
	if len(mine) != 4 || len(theirs) != 0 || len(hub) != 6 || len(all) != 0 {
		t.Fatalf("events: requester %d (want 4), other %d, tasking %d (want 6), all %d", len(mine), len(theirs), len(hub), len(all))
	}
	for _, ev := range published {
		if ev.VisibleOn(watch.BoardAll) || ev.VisibleOn(watch.RequesterBoard(4)) {
			t.Fatalf("event %d visible beyond its boards", ev.Seq)
		}
	}
	var rows []tasking.Row
	err = s.DemandRows(ctx, func(rs []tasking.Row) { rows = append(rows, rs...) })
	if err != nil || len(rows) != 1 {
		t.Fatalf("rows %v, %v", rows, err)
	}
	row := rows[0]
	if row.State != tasking.StateClosed || row.Products.Of("operation") != 1 || row.Products.Of("report") != 1 || row.Intelligence != 2 ||
		row.Grading != "1/B/P" || len(row.Spans) != 1 || row.Spans[0].End.IsZero() || !row.Triaged.Equal(row.Accepted) {
		t.Fatalf("demand row %+v", row)
	}
	var audits int
	_ = s.r.QueryRow(`SELECT COUNT(*) FROM audit WHERE target = ?`, "request:"+r.Ref()).Scan(&audits)
	if audits != 7 { // draft, and six decisions
		t.Fatalf("audit entries %d, want 7", audits)
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// The demand rows are read again only for the requests written since the
// last read, and agree with a full read.
func TestDemandRowsFollowChanges(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	read := func() []tasking.Row {
		t.Helper()
		var out []tasking.Row
		if err := s.DemandRows(ctx, func(rows []tasking.Row) { out = append(out, rows...) }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, _ := s.SaveRequestForm(ctx, testRequest(1), true, "")
	draft, _ := s.SaveRequestForm(ctx, testRequest(2), false, "")
	if first := read(); len(first) != 1 || first[0].State != tasking.StateSubmitted {
		t.Fatalf("first read %+v", first)
	}
	rev := s.demand.rev
	read()
	if s.demand.rev != rev {
		t.Fatal("nothing changed, yet the rows were read again")
	}
	c.Add(time.Hour)
	if _, err := s.DecideRequest(ctx, a.ID, tasking.Decision{Action: tasking.ActDecline, By: "sgt", Reason: "no_capacity", Text: "Sorry."}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveRequestForm(ctx, draft, true, ""); err != nil {
		t.Fatal(err)
	}
	now := read()
	if len(now) != 2 || now[0].State != tasking.StateDeclined || now[0].DeclineReason != "no_capacity" || now[1].ID != draft.ID {
		t.Fatalf("after changes %+v", now)
	}
	full, _ := s.demandRows(ctx, `state <> 'draft'`)
	if len(full) != len(now) || full[0].State != now[0].State || full[1].State != now[1].State {
		t.Fatalf("cache %+v, full read %+v", now, full)
	}
}
