package alerts

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

func noticeEvents(ns []Notice) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Event)
	}
	return strings.Join(out, " ")
}

// A group of new authors on one operation, with the default timings: the
// first notification waits group_wait for more alerts and carries all of
// them; a change waits out group_interval; the group's resolution is one
// more notification, and nothing is sent in between.
func TestGroupWaitIntervalAndResolve(t *testing.T) {
	c := newClock()
	e, err := New([]Rule{{ID: "newbie", Name: "New author", Kind: KindNewAuthor, Window: time.Hour}}, []Operation{testOp}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	post := func(id int64, author string) {
		t.Helper()
		e.ObserveHit(Hit{ID: id, At: c.Now(), Operations: []string{"op"}, Author: author})
	}
	flush := func(when time.Duration, want string) []Notice {
		t.Helper()
		c.Set(at(when))
		e.Tick()
		ns, _ := e.Flush()
		if got := noticeEvents(ns); got != want {
			t.Fatalf("at %s: notifications %q, want %q", when, got, want)
		}
		return ns
	}
	post(1, "@a")
	flush(0, "")
	if due, ok := e.NextDue(); !ok || !due.Equal(at(30*time.Second)) {
		t.Fatalf("next due %v %v, want group_wait after the first firing", due, ok)
	}
	c.Set(at(10 * time.Second))
	post(2, "@b")
	c.Set(at(20 * time.Second))
	post(3, "@c")
	post(4, "@c")
	flush(29*time.Second, "")
	ns := flush(30*time.Second, "firing")
	n := ns[0]
	if len(n.Firing) != 3 || n.Summary != "3 new authors, 3 hits" || n.Labels["operation"] != "op" || n.Labels["rule"] != "newbie" ||
		n.Key != "operation=op,rule=newbie" || n.Severity != "routine" {
		t.Fatalf("first notification %+v", n)
	}
	for _, a := range n.Firing {
		if !a.LastNotified.Equal(at(30 * time.Second)) {
			t.Fatalf("last notified %v", a.LastNotified)
		}
	}
	// a fourth author: the group changed, notified after group_interval
	c.Set(at(time.Minute))
	post(5, "@d")
	flush(time.Minute, "")
	if due, _ := e.NextDue(); !due.Equal(at(5*time.Minute + 30*time.Second)) {
		t.Fatalf("next due %v, want group_interval after the last notification", due)
	}
	flush(5*time.Minute+29*time.Second, "")
	if n := flush(5*time.Minute+30*time.Second, "changed")[0]; len(n.Firing) != 4 || n.Summary != "4 new authors, 4 hits" {
		t.Fatalf("change %+v", n)
	}
	// no change: nothing, however long (until the repeat)
	flush(50*time.Minute, "")
	// @a's hour ends: one alert leaves; the interval has long passed
	if n := flush(time.Hour, "changed")[0]; len(n.Firing) != 3 || len(n.Resolved) != 1 || n.Resolved[0].Labels["author"] != "@a" ||
		n.Summary != "3 new authors, 3 hits; 1 alert resolved" {
		t.Fatalf("change %+v", n)
	}
	// the rest resolve within the interval: one resolved notification after it
	flush(time.Hour+time.Minute, "")
	if n := flush(time.Hour+5*time.Minute, "resolved")[0]; len(n.Firing) != 0 || len(n.Resolved) != 3 || n.Summary != "3 alerts resolved" {
		t.Fatalf("resolution %+v", n)
	}
	flush(2*time.Hour, "")
	if _, ok := e.NextDue(); ok {
		t.Fatal("something still due after the group resolved")
	}
}

// A group firing unacknowledged is notified again every repeat_interval,
// not before; an acknowledgement stops the repeats; a rule's own repeat
// shortens the group's. An alert resolved before its group was ever
// notified is not notified.
func TestGroupRepeatInterval(t *testing.T) {
	c := newClock()
	e, err := New([]Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour},
		{ID: "quick", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour, Repeat: time.Hour, Operation: "op"}}, []Operation{testOp}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetGrouping(GroupOptions{By: []string{"rule"}, Wait: 30 * time.Second, Repeat: 4 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	e.ObserveHit(hitAt(1, 0))
	step := func(d time.Duration) string {
		c.Set(at(d))
		e.Tick()
		ns, _ := e.Flush()
		var out []string
		for _, n := range ns {
			out = append(out, n.Labels["rule"]+":"+n.Event)
		}
		return strings.Join(out, " ")
	}
	if got := step(30 * time.Second); got != "busy:firing quick:firing" {
		t.Fatalf("first: %q", got)
	}
	if got := step(time.Hour + 29*time.Second); got != "" {
		t.Fatalf("before the rule's repeat: %q", got)
	}
	if got := step(time.Hour + 30*time.Second); got != "quick:repeat" {
		t.Fatalf("the rule's repeat: %q", got)
	}
	if got := step(4*time.Hour + 29*time.Second); got != "quick:repeat" {
		t.Fatalf("before the group's repeat: %q", got)
	}
	if got := step(4*time.Hour + 30*time.Second); got != "busy:repeat" {
		t.Fatalf("the group's repeat: %q", got)
	}
	for _, a := range e.Open() {
		if _, err := e.Ack(a.Fingerprint, "pc1"); err != nil {
			t.Fatal(err)
		}
	}
	if got := step(12 * time.Hour); got != "" {
		t.Fatalf("acknowledged, still repeated: %q", got)
	}

	// resolved within group_wait: never notified, nothing to say
	c2 := newClock()
	e2, _ := New([]Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: 10 * time.Second}}, []Operation{testOp}, c2.Now)
	e2.ObserveHit(hitAt(1, 0))
	c2.Set(at(15 * time.Second))
	e2.Tick()
	c2.Set(at(time.Minute))
	if ns, _ := e2.Flush(); len(ns) != 0 {
		t.Fatalf("notified an alert resolved before its group waited: %+v", ns)
	}
}

// Silencing every alert of a notified group sends nothing; when the
// silence ends the group is notified again as firing.
func TestGroupSilenced(t *testing.T) {
	c := newClock()
	e, _ := New([]Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour}}, []Operation{testOp}, c.Now)
	e.ObserveHit(hitAt(1, 0))
	c.Set(at(30 * time.Second))
	if ns, _ := e.Flush(); noticeEvents(ns) != "firing" {
		t.Fatalf("first %q", noticeEvents(ns))
	}
	if _, err := e.AddSilence(Silence{ID: "s", Matchers: map[string]string{"rule": "busy"}, Start: at(time.Minute), End: at(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	c.Set(at(10 * time.Minute))
	e.Tick()
	if ns, _ := e.Flush(); len(ns) != 0 {
		t.Fatalf("notified while silenced: %q", noticeEvents(ns))
	}
	c.Set(at(time.Hour))
	e.Tick()
	if ns, _ := e.Flush(); noticeEvents(ns) != "firing" {
		t.Fatalf("after the silence %q", noticeEvents(ns))
	}
}

// A severity rule matches its level and above: a "high" rule sees
// critical hits, a "critical" rule does not see high ones. The alert takes
// the highest severity of its evidence, and its summary counts.
func TestSeverityAtLeast(t *testing.T) {
	if !AtLeast("critical", "high") || !AtLeast("high", "high") || AtLeast("routine", "high") || AtLeast("high", "critical") ||
		!AtLeast("", "routine") || AtLeast("", "high") {
		t.Fatal("AtLeast")
	}
	c := newClock()
	e := engine(t, c, Rule{ID: "high", Kind: KindSeverity, Severity: "high", Window: time.Hour},
		Rule{ID: "crit", Kind: KindSeverity, Severity: "critical", Window: time.Hour})
	sev := func(id int64, s, author string) Hit {
		return Hit{ID: id, At: c.Now(), Operations: []string{"op"}, Severity: s, Author: author}
	}
	if got := summary(e.ObserveHit(sev(1, "routine", "@a"))); got != "" {
		t.Fatalf("a routine hit: %q", got)
	}
	c.Add(time.Minute)
	if got := summary(e.ObserveHit(sev(2, "high", "@a"))); got != "firing" {
		t.Fatalf("a high hit: %q", got)
	}
	c.Add(time.Minute)
	got := e.ObserveHit(sev(3, "critical", "@b"))
	events := map[string]string{}
	for _, ch := range got {
		events[ch.Alert.RuleID] = ch.Event
	}
	if len(got) != 2 || events["high"] != "updated" || events["crit"] != "firing" {
		t.Fatalf("a critical hit: %+v", got)
	}
	byRule := map[string]Alert{}
	for _, a := range e.Open() {
		byRule[a.RuleID] = a
	}
	if a := byRule["high"]; a.Severity != "critical" || len(a.Evidence) != 2 ||
		a.Summary != "2 hits of high severity or above (1 critical, 1 high), 2 authors in the last 1h" {
		t.Fatalf("high rule %+v", a)
	}
	if a := byRule["crit"]; a.Severity != "critical" || len(a.Evidence) != 1 || a.Summary != "1 critical-severity hit, 1 author in the last 1h" {
		t.Fatalf("critical rule %+v", a)
	}
	// the board's order: firing first, then most severe, then newest
	open := e.Open()
	if open[0].RuleID != "crit" || open[1].RuleID != "high" {
		t.Fatalf("order %s %s", open[0].RuleID, open[1].RuleID)
	}
}

// Summaries count: hits, authors and, for a group, its alerts; the
// summary follows every new hit (one post after another).
func TestCountingSummaries(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "high", Kind: KindSeverity, Severity: "high", Window: time.Hour})
	var last string
	for i, author := range []string{"@a", "@b", "@a"} {
		c.Add(time.Second)
		for _, ch := range e.ObserveHit(Hit{ID: int64(i + 1), At: c.Now(), Operations: []string{"op"}, Severity: "high", Author: author}) {
			last = ch.Alert.Summary
		}
	}
	if last != "3 high-severity hits, 2 authors in the last 1h" {
		t.Fatalf("summary %q", last)
	}
	for _, tc := range []struct {
		firing, resolved []Alert
		want, sev        string
	}{
		{[]Alert{{Summary: "x", Severity: "high"}}, nil, "x", "high"},
		{nil, []Alert{{Summary: "x", Severity: "critical"}}, "resolved: x", "critical"},
		{[]Alert{{Kind: KindSourceFailing, Labels: map[string]string{"source": "b"}}, {Kind: KindSourceFailing, Labels: map[string]string{"source": "a"}, Severity: "high"}},
			nil, "2 sources failing: a, b", "high"},
		{[]Alert{{Kind: KindCount, Evidence: []int64{1, 2}}, {Kind: KindSpike, Evidence: []int64{2, 3}}}, []Alert{{}}, "2 alerts firing, 3 hits; 1 alert resolved", "routine"},
	} {
		got, sev := noticeSummary(tc.firing, tc.resolved)
		if got != tc.want || sev != tc.sev {
			t.Errorf("summary %q %q, want %q %q", got, sev, tc.want, tc.sev)
		}
	}
	if human(90*time.Minute) != "1h30m" || human(15*time.Minute) != "15m" || human(45*time.Second) != "45s" || human(24*time.Hour) != "24h" {
		t.Error("human durations")
	}
}

// Run wakes when a group's wait ends, without a tick: the notification
// comes group_wait after the firing, not up to a tick later.
func TestRunWakesWhenAGroupFallsDue(t *testing.T) {
	e, err := New([]Rule{{ID: "busy", Kind: KindCount, Threshold: 1, Window: time.Hour}}, []Operation{testOp}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetGrouping(GroupOptions{Wait: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	got := make(chan Notice, 1)
	svc := NewService(e, &nullRecorder{}, watchtest.Logger(), ServiceOptions{
		Notify: func(_ context.Context, n Notice) { got <- n }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	defer func() { cancel(); <-done }()
	data, _ := json.Marshal(watch.HitView{Hit: watch.Hit{ID: 1, Operations: []string{"op"}, Found: time.Now()}})
	fired := time.Now()
	svc.Observe([]watch.Event{{Seq: 1, Type: watch.EventHit, Data: data}})
	select {
	case n := <-got:
		if n.Event != "firing" || len(n.Firing) != 1 {
			t.Fatalf("notice %+v", n)
		}
		if waited := time.Since(fired); waited < 50*time.Millisecond {
			t.Fatalf("notified after %s, before group_wait", waited)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no notification: Run did not wake when the group fell due")
	}
}
