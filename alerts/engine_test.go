package alerts

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

func newClock() *watchtest.Clock   { return watchtest.NewClock(t0) }
func at(d time.Duration) time.Time { return t0.Add(d) }
func summary(cs []Change) string   { return strings.Join(events(cs), " ") }
func summaryOf(e *Engine, cs []Change) string {
	return summary(withFlush(e, cs))
}
func hitAt(id int64, d time.Duration) Hit { return Hit{ID: id, At: at(d), Operations: []string{"op"}} }

var t0 = time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)

// the operation starts at t0+2h and runs 10 hours
var testOp = Operation{Operation: watch.Operation{ID: "op", Name: "Carnival", Start: t0.Add(2 * time.Hour), End: t0.Add(12 * time.Hour), Sources: []string{"feed1"}},
	Terms: []string{"Ladbroke Grove", "Saturday"}}

func events(cs []Change) []string {
	var out []string
	for _, c := range cs {
		s := c.Event
		if c.Notify {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

func engine(t *testing.T, c *watchtest.Clock, rules ...Rule) *Engine {
	t.Helper()
	e, err := New(rules, []Operation{testOp}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	atOnce(t, e)
	return e
}

// atOnce makes every group change a notification at once (no group_wait,
// no group_interval), so the lifecycle tests read each alert's
// notification as a "!" on its change (see withFlush); the grouping tests
// use the real timings.
func atOnce(t *testing.T, e *Engine) {
	t.Helper()
	if err := e.SetGrouping(GroupOptions{Wait: 0, Interval: time.Nanosecond}); err != nil {
		t.Fatal(err)
	}
}

// withFlush adds the group notifications due now to an engine step's
// changes: "!" on the change of an alert just notified (firing, or
// resolved after a notification), and "notified!" for a repeat.
func withFlush(e *Engine, chs []Change) []Change {
	notices, notified := e.Flush()
	idx := map[string]int{}
	for i, c := range chs {
		idx[c.Alert.Fingerprint] = i
	}
	for _, nc := range notified {
		if i, ok := idx[nc.Alert.Fingerprint]; ok && chs[i].Event != "resolved" {
			chs[i].Notify = true
			continue
		}
		chs = append(chs, nc)
	}
	for _, n := range notices {
		for _, a := range n.Resolved {
			if i, ok := idx[a.Fingerprint]; ok {
				chs[i].Notify = true
			}
		}
	}
	return chs
}

func TestRuleValidation(t *testing.T) {
	for _, r := range []Rule{
		{ID: "", Kind: KindCount, Threshold: 1},
		{ID: "a", Kind: "nope"},
		{ID: "a", Kind: KindSeverity},
		{ID: "a", Kind: KindCount},
		{ID: "a", Kind: KindSpike, Factor: 1},
		{ID: "a", Kind: KindSourceFailing},
		{ID: "a", Kind: KindCount, Threshold: 1, Window: -time.Second},
	} {
		if err := r.Validate(); !errors.Is(err, ErrBadRule) {
			t.Errorf("%+v: %v", r, err)
		}
	}
	if _, err := New([]Rule{{ID: "a", Kind: KindNewAuthor}, {ID: "a", Kind: KindNewAuthor}}, nil, nil); err == nil {
		t.Error("duplicate rule ids accepted")
	}
}

// Each rule kind: what makes it fire, and that it resolves when its
// condition clears.
func TestRuleKinds(t *testing.T) {
	type step struct {
		at     time.Duration
		hit    *Hit
		source *SourceStatus
		want   string // events, "!" where a notification is due
	}
	h := func(id int64, f func(*Hit)) *Hit {
		x := Hit{ID: id, Operations: []string{"op"}, Severity: "routine", Author: "a", Title: "t"}
		if f != nil {
			f(&x)
		}
		return &x
	}
	cases := []struct {
		name  string
		rule  Rule
		steps []step
	}{
		{"severity", Rule{ID: "crit", Kind: KindSeverity, Severity: "critical", Window: time.Hour}, []step{
			{at: 0, hit: h(1, nil), want: ""},
			{at: time.Minute, hit: h(2, func(x *Hit) { x.Severity = "critical" }), want: "firing!"},
			{at: 30 * time.Minute, hit: h(3, func(x *Hit) { x.Severity = "critical" }), want: "updated"}, // the same alert, counting two: no notification
			{at: 90*time.Minute + time.Second, want: "resolved!"},                                        // the window slid past both
		}},
		{"count", Rule{ID: "busy", Kind: KindCount, Threshold: 3, Window: 10 * time.Minute}, []step{
			{at: 0, hit: h(1, nil), want: ""},
			{at: time.Minute, hit: h(2, nil), want: ""},
			{at: 2 * time.Minute, hit: h(3, nil), want: "firing!"},
			{at: 5 * time.Minute, hit: h(4, nil), want: "updated"},
			{at: 10 * time.Minute, want: "updated"}, // hits 2,3,4 still inside (0, 10m]
			{at: 12 * time.Minute, want: "resolved!"},
		}},
		{"count in another operation does not count", Rule{ID: "busy", Kind: KindCount, Threshold: 2, Operation: "op"}, []step{
			{at: 0, hit: h(1, func(x *Hit) { x.Operations = nil }), want: ""},
			{at: time.Minute, hit: h(2, nil), want: ""},
			{at: 2 * time.Minute, hit: h(3, nil), want: "firing!"},
		}},
		{"spike", Rule{ID: "spike", Kind: KindSpike, Factor: 4, Window: 10 * time.Minute, Baseline: time.Hour, MinHits: 3}, []step{
			{at: 0, hit: h(1, nil), want: ""},
			{at: 20 * time.Minute, hit: h(2, nil), want: ""},
			{at: 40 * time.Minute, hit: h(3, nil), want: ""},
			{at: 65 * time.Minute, hit: h(4, nil), want: ""},
			{at: 66 * time.Minute, hit: h(5, nil), want: ""},
			// 3 in 10 min = 18/h against 3 in the hour before: 6× > 4×
			{at: 67 * time.Minute, hit: h(6, nil), want: "firing!"},
			{at: 76 * time.Minute, want: "resolved!"},
		}},
		{"new author", Rule{ID: "newbie", Kind: KindNewAuthor, Window: time.Hour}, []step{
			{at: 0, hit: h(1, func(x *Hit) { x.Author = "@old" }), want: "firing!"},
			{at: time.Minute, hit: h(2, func(x *Hit) { x.Author = "@old" }), want: ""},
			// another alert in the same group (operation, rule): the group's
			// notification carries both
			{at: 2 * time.Minute, hit: h(3, func(x *Hit) { x.Author = "@new" }), want: "firing! notified!"},
			{at: 61 * time.Minute, want: "resolved! notified!"}, // @old left the group, @new is still in it
			{at: 63 * time.Minute, want: "resolved!"},
		}},
		{"place and date only while before, imminent or live", Rule{ID: "place", Kind: KindPlaceDate, Window: 30 * time.Minute}, []step{
			{at: -60 * time.Hour, hit: h(1, func(x *Hit) { x.Text = "see you on Ladbroke Grove" }), want: ""}, // upcoming: not yet
			{at: 0, hit: h(2, func(x *Hit) { x.Text = "nothing about the place" }), want: ""},
			{at: time.Minute, hit: h(3, func(x *Hit) { x.Title = "Everyone to ladbroke grove" }), want: "firing!"},
			{at: 32 * time.Minute, want: "resolved!"},
			{at: 17 * time.Hour, hit: h(4, func(x *Hit) { x.Text = "Ladbroke Grove again" }), want: ""}, // closed
		}},
		{"source failing during the operation", Rule{ID: "src", Kind: KindSourceFailing, Threshold: 3}, []step{
			{at: -10 * time.Hour, source: &SourceStatus{Source: "feed1", Failures: 5, Message: "HTTP 500"}, want: ""}, // before: not yet
			{at: 3 * time.Hour, source: &SourceStatus{Source: "feed1", Failures: 2, Message: "HTTP 500"}, want: ""},
			{at: 3*time.Hour + time.Minute, source: &SourceStatus{Source: "feed1", Failures: 3, Message: "HTTP 500"}, want: "firing!"},
			{at: 3*time.Hour + 2*time.Minute, source: &SourceStatus{Source: "other", Failures: 9}, want: ""}, // not the op's source
			{at: 3*time.Hour + 3*time.Minute, source: &SourceStatus{Source: "feed1", Failures: 0}, want: "resolved!"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			e := engine(t, c, tc.rule)
			for i, s := range tc.steps {
				c.Set(at(s.at))
				var got []Change
				switch {
				case s.hit != nil:
					s.hit.At = c.Now()
					got = withFlush(e, e.ObserveHit(*s.hit))
				case s.source != nil:
					s.source.At = c.Now()
					got = withFlush(e, e.ObserveSource(*s.source))
				default:
					got = withFlush(e, e.Tick())
				}
				if summary(got) != s.want {
					t.Fatalf("step %d (at %s): got %q, want %q", i, s.at, summary(got), s.want)
				}
				for _, ch := range got {
					if ch.Alert.Fingerprint == "" || ch.Alert.RuleID != tc.rule.ID {
						t.Fatalf("step %d: change %+v", i, ch)
					}
				}
			}
		})
	}
}

func TestPendingForThenFiring(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 1, Window: time.Hour, For: 5 * time.Minute})
	if got := summaryOf(e, e.ObserveHit(hitAt(1, 0))); got != "pending" {
		t.Fatalf("got %q", got)
	}
	c.Add(4 * time.Minute)
	if got := summaryOf(e, e.Tick()); got != "" {
		t.Fatalf("before For: %q", got)
	}
	c.Add(time.Minute)
	got := withFlush(e, e.Tick())
	if summary(got) != "firing!" || got[0].Alert.FiredAt != c.Now() || got[0].Alert.Started != t0 {
		t.Fatalf("after For: %+v", got)
	}
	// a pending alert whose condition clears before For is resolved without a notification
	c2 := newClock()
	e2 := engine(t, c2, Rule{ID: "busy", Kind: KindCount, Threshold: 1, Window: time.Minute, For: 5 * time.Minute})
	e2.ObserveHit(hitAt(1, 0))
	c2.Add(2 * time.Minute)
	if got := summaryOf(e2, e2.Tick()); got != "resolved" {
		t.Fatalf("pending cleared: %q", got)
	}
}

func TestRepeatIntervalAckAndManualResolve(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour, Repeat: time.Hour})
	first := withFlush(e, e.ObserveHit(hitAt(1, 0)))
	fp := first[0].Alert.Fingerprint
	c.Add(30 * time.Minute)
	if got := summaryOf(e, e.ObserveHit(hitAt(2, 30*time.Minute))); got != "updated" {
		t.Fatalf("within the repeat interval: %q", got)
	}
	c.Add(30 * time.Minute)
	if got := summaryOf(e, e.Tick()); got != "notified!" {
		t.Fatalf("after the repeat interval: %q", got)
	}
	ack, err := e.Ack(fp, "pc1")
	if err != nil || ack.Alert.State != StateAcknowledged || ack.Alert.AckedBy != "pc1" || !ack.Alert.AckedAt.Equal(c.Now()) {
		t.Fatalf("ack %+v %v", ack, err)
	}
	if _, err := e.Ack(fp, "pc2"); !errors.Is(err, ErrBadState) {
		t.Fatalf("second ack: %v", err)
	}
	c.Add(3 * time.Hour)
	if got := summaryOf(e, e.Tick()); got != "" {
		t.Fatalf("an acknowledged alert was re-notified: %q", got)
	}
	if ch, err := e.Assign(fp, "team-b"); err != nil || ch.Alert.Assignee != "team-b" {
		t.Fatalf("assign %+v %v", ch, err)
	}
	if _, err := e.Resolve(fp, "pc1", " "); !errors.Is(err, ErrNoReason) {
		t.Fatalf("resolve without reason: %v", err)
	}
	res, err := e.Resolve(fp, "pc1", "promoter cancelled")
	if err != nil || res.Alert.State != StateResolved || res.Alert.ResolvedBy != "pc1" {
		t.Fatalf("resolve %+v %v", res, err)
	}
	// the old evidence is still in the window but no longer counts
	c.Add(time.Minute)
	if got := summaryOf(e, e.Tick()); got != "" {
		t.Fatalf("re-fired on old evidence: %q", got)
	}
	if got := withFlush(e, e.ObserveHit(hitAt(3, c.Now().Sub(t0)))); summary(got) != "firing!" || got[0].Alert.Fingerprint != fp || len(got[0].Alert.Evidence) != 1 {
		t.Fatalf("new evidence: %+v", got)
	}
	if _, err := e.Ack("nope", "pc1"); !errors.Is(err, ErrNoAlert) {
		t.Fatalf("ack unknown: %v", err)
	}
}

func TestSilencesStartAndExpire(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour, Repeat: 10 * time.Minute})
	if _, err := e.AddSilence(Silence{ID: "empty", Start: t0, End: t0.Add(time.Hour)}); err == nil {
		t.Fatal("a silence without matchers was accepted")
	}
	// a silence that starts in 5 minutes and lasts 20
	if _, err := e.AddSilence(Silence{ID: "s1", Matchers: map[string]string{"rule": "busy", "operation": "op"},
		Start: t0.Add(5 * time.Minute), End: t0.Add(25 * time.Minute), Reason: "planned test", Author: "sgt"}); err != nil {
		t.Fatal(err)
	}
	if st := e.Silences()["s1"]; st != SilencePending {
		t.Fatalf("silence state %s", st)
	}
	got := withFlush(e, e.ObserveHit(hitAt(1, 0)))
	if summary(got) != "firing!" || got[0].Alert.Silenced {
		t.Fatalf("before the silence: %+v", got)
	}
	c.Add(11 * time.Minute) // repeat due, but silenced now: the boards are told
	if got := summaryOf(e, e.Tick()); got != "silenced" {
		t.Fatalf("notified while silenced: %q", got)
	}
	if open := e.Open(); len(open) != 1 || !open[0].Silenced || e.Silences()["s1"] != SilenceActive {
		t.Fatalf("open %+v", open)
	}
	c.Set(t0.Add(25 * time.Minute)) // the silence expires: the repeat is due at once
	if got := summaryOf(e, e.Tick()); got != "unsilenced!" {
		t.Fatalf("after the silence: %q", got)
	}
	if e.Silences()["s1"] != SilenceExpired {
		t.Fatal("silence did not expire")
	}
	// a silence that matches another operation mutes nothing here
	e2 := engine(t, newClock(), Rule{ID: "busy", Kind: KindCount, Threshold: 1})
	e2.AddSilence(Silence{ID: "x", Matchers: map[string]string{"operation": "other"}, Start: t0, End: t0.Add(time.Hour)})
	if got := summaryOf(e2, e2.ObserveHit(hitAt(1, 0))); got != "firing!" {
		t.Fatalf("unrelated silence muted: %q", got)
	}
}

func TestGroupingByOperationAndEvidenceCap(t *testing.T) {
	c := newClock()
	e, err := New([]Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour}},
		[]Operation{testOp, {Operation: watch.Operation{ID: "op2", Start: t0, End: t0.Add(time.Hour)}}}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	var fps = map[string]bool{}
	for i := int64(1); i <= 60; i++ {
		ops := []string{"op"}
		if i%2 == 0 {
			ops = []string{"op2"}
		}
		c.Add(time.Second)
		for _, ch := range e.ObserveHit(Hit{ID: i, At: c.Now(), Operations: ops}) {
			fps[ch.Alert.Fingerprint] = true
		}
	}
	open := e.Open()
	if len(fps) != 2 || len(open) != 2 {
		t.Fatalf("%d groups, %d open; want one per operation", len(fps), len(open))
	}
	for _, a := range open {
		if len(a.Evidence) != 30 || a.Labels["operation"] != a.Operation {
			t.Fatalf("%s: %d evidence, labels %v", a.Operation, len(a.Evidence), a.Labels)
		}
	}
	// evidence is capped
	for i := int64(61); i <= 200; i++ {
		c.Add(time.Second)
		e.ObserveHit(Hit{ID: i, At: c.Now(), Operations: []string{"op"}})
	}
	for _, a := range e.Open() {
		if a.Operation == "op" && (len(a.Evidence) != maxEvidence || a.Evidence[len(a.Evidence)-1] != 200) {
			t.Fatalf("evidence %d, last %d", len(a.Evidence), a.Evidence[len(a.Evidence)-1])
		}
	}
	_ = fmt.Sprint
}

func TestSeededAuthorsAreNotNew(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "newbie", Kind: KindNewAuthor, Window: time.Hour})
	e.SeedAuthors("op", []string{"@known"}, t0.Add(-48*time.Hour))
	if got := summaryOf(e, e.ObserveHit(Hit{ID: 1, At: t0, Operations: []string{"op"}, Author: "@known"})); got != "" {
		t.Fatalf("a seeded author alerted: %q", got)
	}
	if got := summaryOf(e, e.ObserveHit(Hit{ID: 2, At: t0, Operations: []string{"op"}, Author: "@stranger"})); got != "firing!" {
		t.Fatalf("a new author: %q", got)
	}
}
