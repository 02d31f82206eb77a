package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

const day = 24 * time.Hour

// briefingOf stores a briefing version quoting the given hits, as the
// briefing service does.
func briefingOf(t *testing.T, s *Store, sha string, hits ...watch.HitView) watch.BriefingVersion {
	t.Helper()
	b, err := s.AddBriefing(context.Background(), watch.BriefingVersion{Operation: "op", Generator: "analyst", SHA256: sha,
		Doc: watch.Briefing{KeyHits: hits, HitCount: len(hits)}})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func count(t *testing.T, s *Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPruneEachClassOnItsOwn(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	old := item("old", "t")
	old.Text = "zebracrossing tonight"
	_, oldHits, err := s.RecordItem(ctx, old, []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Annotate(ctx, watch.Annotation{HitID: oldHits[0].ID, Author: "pc1", Note: "seen it", Kind: "ack"}); err != nil {
		t.Fatal(err)
	}
	briefingOf(t, s, "aaaa", oldHits...)
	c.Add(10 * day)
	_, fresh, _ := s.RecordItem(ctx, item("new", "t"), []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
	briefingOf(t, s, "bbbb", fresh...)

	classes := Classes{Items: 7 * day, Hits: 7 * day, Seen: 7 * day, Annotations: 30 * day, Briefings: 5 * day, Documents: 8 * day}
	due, err := s.RetentionDue(ctx, classes)
	if err != nil {
		t.Fatal(err)
	}
	dueBy := map[string]int64{}
	for _, d := range due {
		dueBy[d.Class] = d.Due
	}
	if dueBy["items"] != 1 || dueBy["hits"] != 1 || dueBy["annotations"] != 0 || dueBy["briefings"] != 1 || dueBy["documents"] != 1 || dueBy["seen"] != 1 {
		t.Fatalf("due before the run: %+v", due)
	}

	p, err := s.Prune(ctx, classes)
	if err != nil {
		t.Fatal(err)
	}
	if p.Items != 1 || p.Hits != 1 || p.Events != 2 || p.Seen != 1 || p.Annotations != 0 || p.Briefings != 1 ||
		len(p.Documents) != 1 || p.Documents[0] != "aaaa" {
		t.Fatalf("pruned %+v", p)
	}
	if _, err := s.Hit(ctx, oldHits[0].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old hit still there: %v", err)
	}
	if _, err := s.Hit(ctx, fresh[0].ID); err != nil {
		t.Fatalf("fresh hit pruned: %v", err)
	}
	if got, _ := s.Search(ctx, watch.BoardAll, "zebracrossing", 10); len(got) != 0 {
		t.Fatalf("the pruned item is still found by search: %+v", got)
	}
	// the officer's decision outlives the hit, kept by its own class
	if n := count(t, s, `SELECT COUNT(*) FROM annotations WHERE hit_id = ?`, oldHits[0].ID); n != 1 {
		t.Fatalf("%d annotations of the pruned hit, want the decision kept", n)
	}
	// the old briefing (which quoted the post) is gone; the fresh one stays
	if bs, _ := s.Briefings(ctx, ""); len(bs) != 1 || bs[0].SHA256 != "bbbb" {
		t.Fatalf("briefings after the run: %+v", bs)
	}
	if kept, _ := s.DocumentKept(ctx, "aaaa"); kept {
		t.Fatal("the old document is still kept")
	}
	if kept, _ := s.DocumentKept(ctx, "bbbb"); !kept {
		t.Fatal("the fresh document was dropped")
	}
	// seen keys follow their own class (here the items'): the key is gone
	if n := count(t, s, `SELECT COUNT(*) FROM seen WHERE key = 'old'`); n != 0 {
		t.Fatal("the old key is kept past its class")
	}
	log, _ := s.AuditLog(ctx, 20)
	classesAudited := map[string]bool{}
	for _, e := range log {
		if e.Action == "retention_delete" {
			classesAudited[e.Target] = true
		}
	}
	for _, k := range []string{"items", "hits", "events", "seen", "briefings", "documents"} {
		if !classesAudited[k] {
			t.Errorf("no retention_delete audit entry for %s: %+v", k, log)
		}
	}

	c.Add(21 * day)
	if p, _ := s.Prune(ctx, classes); p.Annotations != 1 {
		t.Fatalf("after the annotations' class: %+v", p)
	}
	// a run with nothing due writes nothing to the audit
	before, _ := s.AuditLog(ctx, 1)
	if p, _ := s.Prune(ctx, classes); p.Total() != 0 {
		t.Fatalf("second run pruned %+v", p)
	}
	after, _ := s.AuditLog(ctx, 1)
	if before[0].ID != after[0].ID {
		t.Fatal("an empty run was audited")
	}
}

func TestPruneInChunks(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	for i := 0; i < pruneChunk+5; i++ {
		if _, _, err := s.RecordItem(ctx, item("k"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), "t"),
			[]watch.Hit{{ListID: "l"}}); err != nil {
			t.Fatal(err)
		}
	}
	c.Add(2 * day)
	p, err := s.Prune(ctx, Classes{Items: day, Hits: day})
	if err != nil {
		t.Fatal(err)
	}
	if p.Items != pruneChunk+5 || p.Hits != pruneChunk+5 {
		t.Fatalf("pruned %+v", p)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'retention_delete' AND target = 'items'`); n != 2 {
		t.Fatalf("%d audit entries for items, want one per chunk (2)", n)
	}
}

func TestEraseOneItem(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	var published []watch.Event
	s.SetPublisher(func(evs []watch.Event) { published = append(published, evs...) })
	a := item("a1", "t")
	a.Author, a.Text = "Jo Bloggs", "meet at the arches"
	_, ha, _ := s.RecordItem(ctx, a, []watch.Hit{{ListID: "l", Operations: []string{"op"}}, {ListID: "m", Operations: []string{"op2"}}})
	b := item("b1", "t")
	b.Author = "Jo Bloggs"
	_, hb, _ := s.RecordItem(ctx, b, []watch.Hit{{ListID: "l", Operations: []string{"op"}}})
	if _, err := s.Annotate(ctx, watch.Annotation{HitID: ha[0].ID, Author: "pc1", Note: "flagged", Kind: "flag"}); err != nil {
		t.Fatal(err)
	}
	quoted := briefingOf(t, s, "cccc", ha[0], hb[0])
	other := briefingOf(t, s, "dddd", hb[0])

	if _, err := s.Erase(ctx, EraseRequest{Scope: EraseItem, ItemID: ha[0].ItemID, By: "admin"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("erasure without a reason: err = %v", err)
	}
	pre, err := s.ErasePreview(ctx, EraseRequest{Scope: EraseItem, ItemID: ha[0].ItemID})
	if err != nil || pre.Items != 1 || pre.Hits != 2 {
		t.Fatalf("preview = %+v, %v", pre, err)
	}
	published = nil
	e, err := s.Erase(ctx, EraseRequest{Scope: EraseItem, ItemID: ha[0].ItemID, By: "admin", Reason: "subject access: not the person sought"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Items != 1 || e.Hits != 2 || e.Events != 2 || e.Briefings != 1 || len(e.HitIDs) != 2 || e.Target != "item:1" {
		t.Fatalf("erasure %+v", e)
	}
	for _, h := range ha {
		if _, err := s.Hit(ctx, h.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("erased hit %d still there: %v", h.ID, err)
		}
	}
	if _, err := s.Hit(ctx, hb[0].ID); err != nil {
		t.Fatalf("the author's other item went too: %v", err)
	}
	if got, _ := s.Search(ctx, watch.BoardAll, "arches", 10); len(got) != 0 {
		t.Fatalf("erased text still found by search: %+v", got)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM events WHERE type = 'hit' AND json_extract(data, '$.item_id') = ?`, ha[0].ItemID); n != 0 {
		t.Fatalf("%d timeline events still carry the erased item", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM annotations WHERE hit_id = ?`, ha[0].ID); n != 1 {
		t.Fatal("the officer's decision on the erased hit was not kept")
	}
	if marks, _ := s.BriefingErasures(ctx, quoted.ID); len(marks) != 1 || marks[0].ID != e.ID {
		t.Fatalf("the briefing quoting the item is not marked: %+v", marks)
	}
	if marks, _ := s.BriefingErasures(ctx, other.ID); len(marks) != 0 {
		t.Fatalf("a briefing that did not quote the item is marked: %+v", marks)
	}
	// the boards that showed the hits are told
	if len(published) != 1 || published[0].Type != watch.EventErased || !published[0].VisibleOn("op2") || published[0].VisibleOn("op3") {
		t.Fatalf("published %+v", published)
	}
	log, _ := s.AuditLog(ctx, 1)
	if log[0].Action != "erasure" || log[0].Actor != "admin" || !strings.Contains(log[0].Detail, "subject access") {
		t.Fatalf("audit %+v", log[0])
	}
	// the key is still remembered: the post is not collected again
	if isNew, _, _ := s.RecordItem(ctx, a, []watch.Hit{{ListID: "l"}}); isNew {
		t.Fatal("an erased post was collected again")
	}
	if _, err := s.Erase(ctx, EraseRequest{Scope: EraseItem, ItemID: ha[0].ItemID, By: "admin", Reason: "again"}); !errors.Is(err, ErrNothingToErase) {
		t.Fatalf("erasing twice: err = %v", err)
	}
	if list, _ := s.Erasures(ctx, 10); len(list) != 1 || list[0].Reason != "subject access: not the person sought" {
		t.Fatalf("erasures %+v", list)
	}
}

func TestEraseAnAuthorNamesThemOnlyByKeyedHash(t *testing.T) {
	s, _, _ := open(t)
	ctx := context.Background()
	for _, k := range []string{"x1", "x2"} {
		it := item(k, "t")
		it.Author = "Jo Bloggs"
		s.RecordItem(ctx, it, []watch.Hit{{ListID: "l"}})
	}
	elsewhere := item("x3", "t")
	elsewhere.Author, elsewhere.SourceID = "Jo Bloggs", "other"
	s.RecordItem(ctx, elsewhere, []watch.Hit{{ListID: "l"}})
	s.RecordItem(ctx, item("y1", "t"), []watch.Hit{{ListID: "l"}})

	e, err := s.Erase(ctx, EraseRequest{Scope: EraseAuthor, Source: "src", Author: "Jo Bloggs", By: "admin", Reason: "court order 12/26"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Items != 2 || !strings.HasPrefix(e.Target, "author:") || strings.Contains(e.Target, "Bloggs") {
		t.Fatalf("erasure %+v", e)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM items WHERE author = 'Jo Bloggs'`); n != 1 {
		t.Fatalf("%d items of the author left, want the other source's", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE detail LIKE '%Bloggs%' OR target LIKE '%Bloggs%'`); n != 0 {
		t.Fatal("the audit names the erased author")
	}
	// every source: the one left goes too, under the same keyed hash scheme
	e2, err := s.Erase(ctx, EraseRequest{Scope: EraseAuthor, Author: "Jo Bloggs", By: "admin", Reason: "court order 12/26"})
	if err != nil || e2.Items != 1 {
		t.Fatalf("erase in every source = %+v, %v", e2, err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM items`); n != 1 {
		t.Fatalf("%d items left, want only the other author's", n)
	}
}

// Tasking requests are kept by their own class: one that ended (closed,
// declined) or was left a draft goes, with its history and products, once
// its last change is older than the class; one still open stays however
// old; the demand figures no longer count what went; each chunk is audited.
func TestPruneRequestsThatEnded(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	submit := func(requester int64) tasking.Request {
		t.Helper()
		r, err := s.SaveRequestForm(ctx, testRequest(requester), true, "")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	decide := func(id int64, d tasking.Decision) {
		t.Helper()
		if _, err := s.DecideRequest(ctx, id, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	closed := submit(1)
	decide(closed.ID, tasking.Decision{Action: tasking.ActAccept, By: "sgt", Priority: "P2", Assignee: "ann", Due: c.Now().Add(48 * time.Hour)})
	if _, err := s.AddProduct(ctx, closed.ID, "Assessment", "Low risk.", "ann"); err != nil {
		t.Fatal(err)
	}
	decide(closed.ID, tasking.Decision{Action: tasking.ActClose, By: "ann", Outcome: tasking.Outcome{Delivered: 1, Note: "Done."}})
	declined := submit(2)
	decide(declined.ID, tasking.Decision{Action: tasking.ActDecline, By: "sgt", Reason: tasking.DeclineReasons[0], Text: "Not for the hub."})
	draft, err := s.SaveRequestForm(ctx, testRequest(3), false, "")
	if err != nil {
		t.Fatal(err)
	}
	open := submit(4) // waiting for triage: never pruned
	c.Add(40 * day)
	recent := submit(5)
	decide(recent.ID, tasking.Decision{Action: tasking.ActDecline, By: "sgt", Reason: tasking.DeclineReasons[0], Text: "No."})

	demandIDs := func() []int64 {
		var ids []int64
		if err := s.DemandRows(ctx, func(rows []tasking.Row) {
			for _, r := range rows {
				ids = append(ids, r.ID)
			}
		}); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := demandIDs(); len(got) != 4 { // every request but the draft
		t.Fatalf("demand rows before: %v", got)
	}
	classes := Classes{Requests: 30 * day}
	due, err := s.RetentionDue(ctx, classes)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range due {
		if d.Class == "requests" && (d.Rows != 5 || d.Due != 3) {
			t.Fatalf("requests due: %+v, want 5 stored, 3 due (closed, declined, draft)", d)
		}
	}
	p, err := s.Prune(ctx, classes)
	if err != nil || p.Requests != 3 {
		t.Fatalf("pruned %+v, %v", p, err)
	}
	for _, gone := range []int64{closed.ID, declined.ID, draft.ID} {
		if _, err := s.Request(ctx, gone); err == nil {
			t.Fatalf("request %d is still there", gone)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM request_history WHERE request_id = ?`, gone); n != 0 {
			t.Fatalf("request %d left %d history rows", gone, n)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM request_products WHERE request_id = ?`, gone); n != 0 {
			t.Fatalf("request %d left %d products", gone, n)
		}
	}
	for _, kept := range []int64{open.ID, recent.ID} {
		if _, err := s.Request(ctx, kept); err != nil {
			t.Fatalf("request %d was pruned: %v", kept, err)
		}
	}
	if got := demandIDs(); !slices.Equal(got, []int64{open.ID, recent.ID}) {
		t.Fatalf("demand rows after: %v, want %d and %d", got, open.ID, recent.ID)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE action = 'retention_delete' AND target = 'requests' AND detail LIKE '%rows=3'`); n != 1 {
		t.Fatalf("%d audit entries for the requests pruned", n)
	}
}
