package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/watchtest"
)

// An engine made after a restart and given back the stored alerts, hits
// and source health carries on where the one before left off.
func TestRestore(t *testing.T) {
	type step struct {
		at     time.Duration
		hit    *Hit
		source *SourceStatus
		want   string // events, "!" where a notification is due
	}
	h := func(id int64, author string) *Hit {
		return &Hit{ID: id, Operations: []string{"op"}, Severity: "routine", Author: author, Title: "t"}
	}
	count := Rule{ID: "busy", Kind: KindCount, Threshold: 2, Window: 10 * time.Minute, Repeat: time.Hour}
	cases := []struct {
		name        string
		rules       []Rule
		after       []Rule      // the config's rules after the restart; nil: the same
		ops         []Operation // the operations after the restart; nil: the same
		before      []step
		ack, byHand bool // acknowledge / resolve by hand what is open after the steps before
		noHits      bool // give the engine no hits back
		restart     time.Duration
		wantRestore string
		wantReason  string
		check       func(t *testing.T, open []Alert)
		steps       []step
	}{
		{name: "acknowledged alert keeps who acknowledged it and resolves when its window clears",
			rules: []Rule{count},
			before: []step{
				{at: 0, hit: h(1, "a"), want: ""},
				{at: time.Minute, hit: h(2, "a"), want: "firing!"},
			},
			ack: true, restart: 3 * time.Minute,
			check: func(t *testing.T, open []Alert) {
				if len(open) != 1 || open[0].State != StateAcknowledged || open[0].AckedBy != "sgt.jones" ||
					!open[0].AckedAt.Equal(at(time.Minute)) || open[0].Assignee != "team-b" || !open[0].FiredAt.Equal(at(time.Minute)) {
					t.Fatalf("restored %+v", open)
				}
			},
			steps: []step{
				{at: 3 * time.Minute, want: ""},
				{at: 4 * time.Minute, hit: h(3, "a"), want: "updated"}, // the same alert, not a new one
				{at: 10*time.Minute + time.Second, want: "updated"},    // hits 2 and 3 still inside, hit 1 out
				{at: 11*time.Minute + time.Second, want: "resolved!"},
			}},
		{name: "without the hits back a count alert would resolve on an empty memory",
			rules: []Rule{count}, noHits: true, restart: 3 * time.Minute,
			before: []step{
				{at: 0, hit: h(1, "a"), want: ""},
				{at: time.Minute, hit: h(2, "a"), want: "firing!"},
			},
			steps: []step{{at: 3 * time.Minute, want: "resolved!"}}},
		{name: "no notification at start; the repeat counts from the stored one",
			rules:   []Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour, Repeat: time.Hour}},
			before:  []step{{at: 0, hit: h(1, "a"), want: "firing!"}},
			restart: 10 * time.Minute,
			steps: []step{
				{at: 10 * time.Minute, want: ""},
				{at: 59 * time.Minute, want: ""},
				{at: time.Hour, want: "notified!"},
			}},
		{name: "a pending alert fires after For counted from its stored start",
			rules:   []Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: time.Hour, For: 10 * time.Minute}},
			before:  []step{{at: 0, hit: h(1, "a"), want: "pending"}},
			restart: 5 * time.Minute,
			steps: []step{
				{at: 5 * time.Minute, want: ""},
				{at: 10 * time.Minute, want: "firing!"},
			}},
		{name: "a spike keeps firing on its restored baseline",
			rules: []Rule{{ID: "spike", Kind: KindSpike, Factor: 4, Window: 10 * time.Minute, Baseline: time.Hour, MinHits: 3}},
			before: []step{
				{at: 0, hit: h(1, "a"), want: ""},
				{at: 20 * time.Minute, hit: h(2, "a"), want: ""},
				{at: 40 * time.Minute, hit: h(3, "a"), want: ""},
				{at: 65 * time.Minute, hit: h(4, "a"), want: ""},
				{at: 66 * time.Minute, hit: h(5, "a"), want: ""},
				{at: 67 * time.Minute, hit: h(6, "a"), want: "firing!"},
			},
			restart: 70 * time.Minute,
			steps: []step{
				{at: 70 * time.Minute, want: "updated"}, // the baseline slid: the rate it names changed
				{at: 76 * time.Minute, want: "resolved!"},
			}},
		{name: "a new author stays new for its window, and is not new again",
			rules:   []Rule{{ID: "newbie", Kind: KindNewAuthor, Window: time.Hour}},
			before:  []step{{at: 0, hit: h(1, "@new"), want: "firing!"}},
			restart: 5 * time.Minute,
			steps: []step{
				{at: 5 * time.Minute, want: ""},
				{at: 30 * time.Minute, hit: h(2, "@new"), want: ""},
				{at: 61 * time.Minute, want: "resolved!"},
			}},
		{name: "a failing source keeps its alert on the stored health",
			rules:   []Rule{{ID: "src", Kind: KindSourceFailing, Threshold: 3}},
			before:  []step{{at: 3 * time.Hour, source: &SourceStatus{Source: "feed1", Failures: 3, Message: "HTTP 500"}, want: "firing!"}},
			restart: 3*time.Hour + 5*time.Minute,
			steps: []step{
				{at: 3*time.Hour + 5*time.Minute, want: ""},
				{at: 3*time.Hour + 6*time.Minute, source: &SourceStatus{Source: "feed1"}, want: "resolved!"},
			}},
		{name: "an alert resolved by hand does not come back on its old evidence",
			rules:   []Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: time.Hour}},
			before:  []step{{at: 0, hit: h(1, "a"), want: "firing!"}},
			byHand:  true,
			restart: 2 * time.Minute,
			steps: []step{
				{at: 2 * time.Minute, want: ""},
				{at: 3 * time.Minute, hit: h(2, "a"), want: "firing!"},
			}},
		{name: "an alert whose rule left the config is resolved at start",
			rules: []Rule{count}, after: []Rule{{ID: "other", Kind: KindSeverity, Severity: "critical"}},
			before: []step{
				{at: 0, hit: h(1, "a"), want: ""},
				{at: time.Minute, hit: h(2, "a"), want: "firing!"},
			},
			restart: 3 * time.Minute, wantRestore: "resolved!", wantReason: `rule "busy" is no longer in the config`,
			steps: []step{{at: 3 * time.Minute, want: ""}}},
		{name: "an alert whose operation is gone is resolved at start",
			rules: []Rule{count}, ops: []Operation{},
			before: []step{
				{at: 0, hit: h(1, "a"), want: ""},
				{at: time.Minute, hit: h(2, "a"), want: "firing!"},
			},
			restart: 3 * time.Minute, wantRestore: "resolved!", wantReason: `operation "op" no longer exists`,
			steps: []step{{at: 3 * time.Minute, want: ""}}},
	}
	run := func(t *testing.T, e *Engine, c *watchtest.Clock, steps []step, saved *Saved) {
		t.Helper()
		for i, s := range steps {
			c.Set(at(s.at))
			var got []Change
			switch {
			case s.hit != nil:
				s.hit.At = c.Now()
				got = withFlush(e, e.ObserveHit(*s.hit))
				if saved != nil {
					saved.Hits = append(saved.Hits, *s.hit)
				}
			case s.source != nil:
				s.source.At = c.Now()
				got = withFlush(e, e.ObserveSource(*s.source))
				if saved != nil {
					saved.Sources = append(saved.Sources, *s.source)
				}
			default:
				got = withFlush(e, e.Tick())
			}
			if summary(got) != s.want {
				t.Fatalf("step %d (at %s): got %q, want %q", i, s.at, summary(got), s.want)
			}
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			before, err := New(tc.rules, []Operation{testOp}, c.Now)
			if err != nil {
				t.Fatal(err)
			}
			atOnce(t, before)
			var saved Saved
			run(t, before, c, tc.before, &saved)
			var resolved []Alert
			for _, a := range before.Open() {
				switch {
				case tc.ack:
					if _, err := before.Ack(a.Fingerprint, "sgt.jones"); err != nil {
						t.Fatal(err)
					}
					if _, err := before.Assign(a.Fingerprint, "team-b"); err != nil {
						t.Fatal(err)
					}
				case tc.byHand:
					ch, err := before.Resolve(a.Fingerprint, "sgt.jones", "known event")
					if err != nil {
						t.Fatal(err)
					}
					resolved = append(resolved, ch.Alert)
				}
			}
			// the alerts as the store keeps them: JSON
			for _, a := range append(before.Open(), resolved...) {
				b, err := json.Marshal(a)
				if err != nil {
					t.Fatal(err)
				}
				var back Alert
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				saved.Alerts = append(saved.Alerts, back)
			}
			if tc.noHits {
				saved.Hits = nil
			}
			// the restart
			c.Set(at(tc.restart))
			rules, ops := tc.rules, []Operation{testOp}
			if tc.after != nil {
				rules = tc.after
			}
			if tc.ops != nil {
				ops = tc.ops
			}
			e, err := New(rules, ops, c.Now)
			if err != nil {
				t.Fatal(err)
			}
			atOnce(t, e)
			var authors []string
			for _, h := range saved.Hits {
				authors = append(authors, h.Author)
			}
			e.SeedAuthors("op", authors, c.Now())
			got := withFlush(e, e.Restore(saved))
			if summary(got) != tc.wantRestore {
				t.Fatalf("restore: got %q, want %q", summary(got), tc.wantRestore)
			}
			for _, ch := range got {
				if !strings.Contains(ch.Alert.Reason, tc.wantReason) || ch.Alert.ResolvedBy != "system" || !ch.Alert.ResolvedAt.Equal(c.Now()) {
					t.Fatalf("resolved at start: %+v", ch.Alert)
				}
			}
			if tc.check != nil {
				tc.check(t, e.Open())
			}
			run(t, e, c, tc.steps, nil)
		})
	}
}

// Restoring twice does not double the hits or the alerts.
func TestRestoreIsIdempotent(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 2, Window: 10 * time.Minute})
	hits := []Hit{hitAt(1, 0), hitAt(2, time.Minute)}
	a := Alert{Fingerprint: fingerprint("busy", "op"), RuleID: "busy", Kind: KindCount, Operation: "op", State: StateFiring,
		Started: at(time.Minute), FiredAt: at(time.Minute), LastNotified: at(time.Minute),
		Severity: "routine", Summary: "2 hits in the last 10m (threshold 2)", Evidence: []int64{1, 2}}
	c.Set(at(2 * time.Minute))
	for range 2 {
		if got := e.Restore(Saved{Alerts: []Alert{a}, Hits: hits}); len(got) != 0 {
			t.Fatalf("restore: %q", summary(got))
		}
	}
	if n := e.series[groupKey{0, "op"}].cur.n; n != 2 || len(e.Open()) != 1 {
		t.Fatalf("hits %d, open %d", n, len(e.Open()))
	}
	if got := summaryOf(e, e.Tick()); got != "" {
		t.Fatalf("tick: %q", got)
	}
}
