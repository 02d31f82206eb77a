package tasking

import (
	"reflect"
	"testing"
	"time"
)

func at(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, time.UTC)
}

type step struct {
	t time.Time
	d Decision
}

// play takes a request through its decisions, as the store would.
func play(t *testing.T, r Request, steps ...step) Row {
	t.Helper()
	r.State = StateDraft
	for _, s := range steps {
		if s.d.By == "" {
			s.d.By = "sgt"
		}
		if err := r.Apply(s.d, s.t); err != nil {
			t.Fatalf("%s at %s: %v", s.d.Action, s.t, err)
		}
	}
	return RowOf(r, 0)
}

func accept(t time.Time) step {
	return step{t, Decision{Action: ActAccept, Priority: "P2", Assignee: "ann", Due: t.Add(72 * time.Hour)}}
}
func submit(t time.Time) step { return step{t, Decision{Action: ActSubmit}} }
func closeWith(t time.Time, intel, delivered int, g Grading) step {
	return step{t, Decision{Action: ActClose, Outcome: Outcome{Intelligence: intel, Delivered: delivered, Grading: g, Note: "done"}}}
}

// seeded is a data set whose figures are worked out by hand in the test:
// requests crossing the quarter boundary, reopened, declined, merged.
func seeded(t *testing.T) []Row {
	req := func(id int64, typ, team string, u Urgency) Request {
		return Request{ID: id, Type: typ, Team: team, Urgency: u}
	}
	return []Row{
		// A: received in Q3, completed in Q4
		play(t, req(1, "pre_event", "CID", UrgencyRoutine), submit(at(9, 28, 10)), accept(at(9, 28, 12)),
			step{at(9, 29, 9), Decision{Action: ActLink, Link: Link{Kind: "operation", Ref: "derby"}}},
			step{at(9, 29, 10), Decision{Action: ActLink, Link: Link{Kind: "briefing", Ref: "7"}}},
			closeWith(at(10, 2, 10), 3, 1, Grading{"1", "B", "P", ""})),
		// B: declined in Q3
		play(t, req(2, "investigation", "Response", UrgencyPriority), submit(at(9, 10, 9)),
			step{at(9, 11, 9), Decision{Action: ActDecline, Reason: "no_lawful_basis", Text: "No authority."}}),
		// C: closed, reopened, closed again
		play(t, req(3, "realtime", "CID", UrgencyImmediate), submit(at(10, 5, 8)), accept(at(10, 5, 9)),
			closeWith(at(10, 6, 8), 1, 1, Grading{"2", "C", "C", "only to the control room"}),
			step{at(10, 8, 8), Decision{Action: ActReopen, Text: "More came in."}},
			closeWith(at(10, 10, 8), 1, 2, Grading{"2", "C", "C", "only to the control room"})),
		// D: asked for more, answered, accepted, open
		play(t, req(4, "pre_event", "Response", UrgencyRoutine), submit(at(10, 12, 8)),
			step{at(10, 12, 10), Decision{Action: ActAskInfo, Text: "Which venue?"}}, submit(at(10, 13, 8)), accept(at(10, 14, 8))),
		// E: a duplicate of D
		play(t, req(5, "other", "CID", UrgencyRoutine), submit(at(10, 20, 8)), step{at(10, 20, 9), Decision{Action: ActMerge, Into: 4}}),
		// F: declined, reopened, accepted, open
		play(t, req(6, "guidance", "Response", UrgencyRoutine), submit(at(10, 21, 8)),
			step{at(10, 21, 12), Decision{Action: ActDecline, Reason: "outside_remit", Text: "Not ours."}},
			step{at(10, 22, 8), Decision{Action: ActReopen, Text: "It is ours after all."}}, accept(at(10, 22, 10))),
		// G: a draft counts nowhere
		RowOf(Request{ID: 7, Type: "other", Team: "CID", State: StateDraft}, 0),
	}
}

func TestDemandQuarterFigures(t *testing.T) {
	rows := seeded(t)
	now := at(10, 30, 12)
	q4from, q4to, label := Quarter(at(11, 15, 0), time.UTC)
	if !q4from.Equal(at(10, 1, 0)) || !q4to.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) || label != "2026 Q4 (October to December)" {
		t.Fatalf("quarter %s %s %q", q4from, q4to, label)
	}
	d := Compute(rows, Filter{From: q4from, To: q4to}, now, time.UTC)
	got := map[string]int{"received": d.Received, "accepted": d.Accepted, "closed": d.Closed, "declined": d.Declined, "merged": d.Merged,
		"open": d.StillOpen, "reopened": d.Reopened, "accepted_in": d.AcceptedIn, "completed_in": d.CompletedIn,
		"intelligence": d.Intelligence, "delivered": d.Delivered, "backlog_start": d.BacklogStart, "backlog_end": d.BacklogEnd}
	want := map[string]int{"received": 4, "accepted": 3, "closed": 1, "declined": 0, "merged": 1, "open": 2, "reopened": 2,
		"accepted_in": 3, "completed_in": 2, "intelligence": 4, "delivered": 3, "backlog_start": 1, "backlog_end": 2}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Q4 counts\n got %v\nwant %v", got, want)
	}
	if w := []Count{{"CID", 2}, {"Response", 2}}; !reflect.DeepEqual(d.ByTeam, w) {
		t.Errorf("by team %v, want %v", d.ByTeam, w)
	}
	if w := []Count{{"guidance", 1}, {"other", 1}, {"pre_event", 1}, {"realtime", 1}}; !reflect.DeepEqual(d.ByType, w) {
		t.Errorf("by type %v, want %v", d.ByType, w)
	}
	if w := []Count{{"1/B/P", 3}, {"2/C/C", 1}}; !reflect.DeepEqual(d.ByGrading, w) {
		t.Errorf("by grading %v, want %v", d.ByGrading, w)
	}
	if w := (Durations{N: 4, Median: time.Hour, P90: 4 * time.Hour}); d.TimeToTriage != w {
		t.Errorf("time to triage %+v, want %+v", d.TimeToTriage, w)
	}
	if w := (Durations{N: 2, Median: 96 * time.Hour, P90: 120 * time.Hour}); d.TimeToComplete != w {
		t.Errorf("time to complete %+v, want %+v", d.TimeToComplete, w)
	}
	wantWeeks := []Week{
		{Start: at(9, 28, 0), Completed: 1},
		{Start: at(10, 5, 0), Received: 1, Accepted: 1, Completed: 1},
		{Start: at(10, 12, 0), Received: 1, Accepted: 1, Backlog: 1},
		{Start: at(10, 19, 0), Received: 2, Accepted: 1, Backlog: 2},
		{Start: at(10, 26, 0), Backlog: 2},
	}
	if !reflect.DeepEqual(d.Weeks, wantWeeks) {
		t.Errorf("weeks\n got %+v\nwant %+v", d.Weeks, wantWeeks)
	}
	// the products of what was received: none linked yet but A's, which came in Q3
	if len(d.ByProduct) != 0 {
		t.Errorf("Q4 products %v", d.ByProduct)
	}

	q3 := Compute(rows, Filter{From: at(7, 1, 0), To: q4from}, now, time.UTC)
	if q3.Received != 2 || q3.Declined != 1 || q3.Closed != 1 || q3.CompletedIn != 0 || q3.AcceptedIn != 1 {
		t.Errorf("Q3 %+v", q3)
	}
	if w := []Count{{"no_lawful_basis", 1}}; !reflect.DeepEqual(q3.DeclinedBy, w) {
		t.Errorf("Q3 declined %v", q3.DeclinedBy)
	}
	if w := []Count{{"briefing", 1}, {"operation", 1}}; !reflect.DeepEqual(q3.ByProduct, w) {
		t.Errorf("Q3 products %v", q3.ByProduct)
	}
	if w := (Durations{N: 2, Median: 2 * time.Hour, P90: 24 * time.Hour}); q3.TimeToTriage != w {
		t.Errorf("Q3 time to triage %+v", q3.TimeToTriage)
	}

	cid := Compute(rows, Filter{From: q4from, To: q4to, Team: "CID"}, now, time.UTC)
	if cid.Received != 2 || cid.CompletedIn != 2 || cid.Merged != 1 {
		t.Errorf("Q4 CID %+v", cid)
	}
	typ := Compute(rows, Filter{From: q4from, To: q4to, Type: "guidance"}, now, time.UTC)
	if typ.Received != 1 || typ.Reopened != 1 || typ.StillOpen != 1 {
		t.Errorf("Q4 guidance %+v", typ)
	}
}

// Between a close and its reopening a request is not in the backlog.
func TestBacklogFollowsReopening(t *testing.T) {
	rows := seeded(t)
	for _, c := range []struct {
		at   time.Time
		want int
	}{{at(10, 7, 12), 0}, {at(10, 9, 0), 1}, {at(10, 21, 13), 1}, {at(10, 22, 9), 2}} {
		d := Compute(rows, Filter{From: at(10, 1, 0), To: c.at}, at(12, 1, 0), time.UTC)
		if d.BacklogEnd != c.want {
			t.Errorf("backlog at %s: %d, want %d", c.at, d.BacklogEnd, c.want)
		}
	}
}

func TestFindOverdue(t *testing.T) {
	rows := seeded(t)
	cfg := Config{}.WithDefaults()
	// at Oct 26 08:00: D accepted Oct 14 with due Oct 17: overdue for completion;
	// F accepted Oct 22, due Oct 25: overdue too
	got := FindOverdue(rows, cfg, at(10, 26, 8))
	if len(got) != 2 || got[0].ID != 4 || got[0].What != "completion" || got[1].ID != 6 {
		t.Fatalf("overdue %+v", got)
	}
	// a new immediate request not triaged within the hour
	r := play(t, Request{ID: 9, Type: "realtime", Team: "CID", Urgency: UrgencyImmediate}, submit(at(10, 26, 6)))
	got = FindOverdue([]Row{r}, cfg, at(10, 26, 7).Add(time.Minute))
	if len(got) != 1 || got[0].What != "triage" || !got[0].Due.Equal(at(10, 26, 7)) {
		t.Fatalf("triage overdue %+v", got)
	}
	if got := FindOverdue([]Row{r}, cfg, at(10, 26, 6).Add(59*time.Minute)); len(got) != 0 {
		t.Fatalf("overdue before the level: %+v", got)
	}
}

func TestCheckFormReportsEverything(t *testing.T) {
	cfg := Config{}.WithDefaults()
	p := cfg.CheckForm(Request{Type: "investigation", NamesPeople: true}, at(10, 1, 0))
	for _, f := range []string{"team", "contact", "urgency", "needed_by", "asked", "why", "lawful_basis", "authority_ref"} {
		if p.For(f) == "" {
			t.Errorf("no problem for %s in %v", f, p)
		}
	}
	ok := Request{Type: "investigation", Team: "CID", Contact: "DC 2 Jones", Urgency: UrgencyRoutine, NeededBy: at(10, 9, 0),
		Asked: "Review the public posts of the account", Why: "Linked to a burglary series", LawfulBasis: "Prevention and detection of crime",
		NamesPeople: true, NoAuthorityReason: "Viewed once only"}
	if p := cfg.CheckForm(ok, at(10, 1, 0)); len(p) != 0 {
		t.Fatalf("a good form: %v", p)
	}
}

func TestDecisionsFollowTheStates(t *testing.T) {
	r := Request{ID: 1, State: StateDraft}
	if err := r.Apply(Decision{Action: ActAccept, Priority: "P1", Assignee: "a", Due: at(1, 1, 0)}, at(1, 1, 0)); err == nil {
		t.Fatal("a draft was accepted")
	}
	if err := r.Apply(Decision{Action: ActDecline, Reason: "nonsense", Text: "x"}, at(1, 1, 0)); err == nil {
		t.Fatal("a decline with an unknown reason was taken")
	}
	_ = r.Apply(Decision{Action: ActSubmit}, at(1, 1, 0))
	if err := r.Apply(Decision{Action: ActMerge, Into: 1}, at(1, 1, 1)); err == nil {
		t.Fatal("merged into itself")
	}
}

func TestProductKindsFitProducts(t *testing.T) {
	if len(ProductKinds) != len(Products{}) {
		t.Fatalf("%d product kinds, Products holds %d", len(ProductKinds), len(Products{}))
	}
	var p Products
	p.Add("briefing", 2)
	p.Add("nonsense", 5)
	if p.Of("briefing") != 2 || p.Of("report") != 0 {
		t.Fatalf("%v", p)
	}
}
