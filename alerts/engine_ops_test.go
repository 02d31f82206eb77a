package alerts

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// One condition is one alert: hits that keep it holding add evidence to
// the same fingerprint and make no new alert or notification (dedupe).
// An operation added while running is grouped on its own at once, and
// the authors other operations have seen are kept.
func TestDedupeAndOperationsChangeWhileRunning(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 2, Window: time.Hour},
		Rule{ID: "newbie", Kind: KindNewAuthor, Window: time.Hour})
	withFlush(e, e.ObserveHit(Hit{ID: 1, At: t0, Operations: []string{"op"}, Author: "@a"}))
	first := withFlush(e, e.ObserveHit(Hit{ID: 2, At: t0, Operations: []string{"op"}, Author: "@a"}))
	if summary(first) != "firing!" {
		t.Fatalf("first: %q", summary(first))
	}
	for i := int64(3); i <= 10; i++ {
		c.Add(time.Second)
		// the same alert, counting one more hit: no new alert, no notification
		if got := summaryOf(e, e.ObserveHit(Hit{ID: i, At: c.Now(), Operations: []string{"op"}, Author: "@a"})); got != "updated" {
			t.Fatalf("hit %d made %q", i, got)
		}
	}
	busy := 0
	for _, a := range e.Open() {
		if a.RuleID == "busy" {
			busy++
			if a.Fingerprint != first[0].Alert.Fingerprint || len(a.Evidence) != 10 {
				t.Fatalf("alert %+v", a)
			}
		}
	}
	if busy != 1 {
		t.Fatalf("%d busy alerts", busy)
	}
	// a new operation, made in the console while running
	gig := Operation{Operation: watch.Operation{ID: "gig", Start: t0.Add(time.Hour), End: t0.Add(3 * time.Hour)}}
	if err := e.SetOperations([]Operation{testOp, gig}); err != nil {
		t.Fatal(err)
	}
	c.Add(time.Second)
	if got := summary(e.ObserveHit(Hit{ID: 11, At: c.Now(), Operations: []string{"op"}, Author: "@a"})); got != "updated" {
		t.Fatalf("op's authors were forgotten: %q", got)
	}
	e.ObserveHit(Hit{ID: 12, At: c.Now(), Operations: []string{"gig"}, Author: "@a"})
	ops := map[string]int{}
	for _, a := range e.Open() {
		ops[a.Operation+"/"+a.RuleID]++
	}
	if ops["gig/newbie"] != 1 || ops["op/busy"] != 1 || ops["gig/busy"] != 0 {
		t.Fatalf("groups %v", ops)
	}
}

// Expiring a silence early: an active one stops muting at once; a pending
// one never starts; an expired one cannot be expired again.
func TestExpireSilenceEarly(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 1, Window: 24 * time.Hour, Repeat: 10 * time.Minute})
	for _, s := range []Silence{
		{ID: "now", Matchers: map[string]string{"rule": "busy"}, Start: t0, End: t0.Add(time.Hour)},
		{ID: "later", Matchers: map[string]string{"operation": "op"}, Start: t0.Add(2 * time.Hour), End: t0.Add(3 * time.Hour)},
	} {
		if _, err := e.AddSilence(s); err != nil {
			t.Fatal(err)
		}
	}
	if got := withFlush(e, e.ObserveHit(hitAt(1, 0))); len(got) != 1 || got[0].Notify || !got[0].Alert.Silenced {
		t.Fatalf("silenced firing: %+v", got)
	}
	c.Add(time.Minute)
	s, chs, err := e.ExpireSilence("now")
	chs = withFlush(e, chs)
	if err != nil || !s.End.Equal(c.Now()) || summary(chs) != "unsilenced!" {
		t.Fatalf("expire: %+v %q %v", s, summary(chs), err)
	}
	if _, _, err := e.ExpireSilence("now"); !errors.Is(err, ErrNoSilence) {
		t.Fatalf("expired twice: %v", err)
	}
	if _, _, err := e.ExpireSilence("later"); err != nil {
		t.Fatal(err)
	}
	c.Set(t0.Add(150 * time.Minute)) // when "later" would have been active
	if st := e.Silences()["later"]; st != SilenceExpired {
		t.Fatalf("pending silence expired early is %s", st)
	}
	if got := summaryOf(e, e.Tick()); got != "notified!" {
		t.Fatalf("repeat muted by an expired silence: %q", got)
	}
}

// Under load an alert's counts move with every page of hits. Each move is
// recorded as "updated" at most once a second: the first at once, the
// ones after it held, the last of them recorded when the second is up
// (NextDue says when, so the service wakes for it), with the evidence as
// it then stands. Nothing else waits: firing, resolving and a change of
// severity are recorded at once.
func TestUpdatesAreRecordedAtMostOnceASecond(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "busy", Kind: KindCount, Threshold: 2, Window: time.Hour})
	e.ObserveHit(Hit{ID: 1, At: c.Now(), Operations: []string{"op"}})
	if got := summary(e.ObserveHit(Hit{ID: 2, At: c.Now(), Operations: []string{"op"}})); got != "firing" {
		t.Fatalf("second hit: %q", got)
	}
	if due, ok := e.NextDue(); ok && due.After(c.Now()) {
		t.Fatalf("nothing held yet, but due at %v", due)
	}
	e.Flush()
	c.Add(time.Second)
	if got := summary(e.ObserveHit(Hit{ID: 3, At: c.Now(), Operations: []string{"op"}})); got != "updated" {
		t.Fatalf("first move after a second: %q", got)
	}
	for i := int64(4); i <= 40; i++ {
		c.Add(20 * time.Millisecond)
		if got := summary(e.ObserveHit(Hit{ID: i, At: c.Now(), Operations: []string{"op"}})); got != "" {
			t.Fatalf("hit %d within the second recorded %q", i, got)
		}
	}
	due, ok := e.NextDue()
	if want := at(2 * time.Second); !ok || !due.Equal(want) {
		t.Fatalf("held update due %v %v, want %v", due, ok, want)
	}
	c.Set(due)
	chs := e.Tick()
	if summary(chs) != "updated" {
		t.Fatalf("when due: %q", summary(chs))
	}
	if ev := chs[0].Alert.Evidence; ev[len(ev)-1] != 40 || !strings.Contains(chs[0].Alert.Summary, "40") {
		t.Fatalf("held update carries %v %q, want hit 40 counted", ev, chs[0].Alert.Summary)
	}
	if got := summary(e.Tick()); got != "" {
		t.Fatalf("nothing moved, yet %q", got)
	}
	if _, ok := e.NextDue(); ok {
		if d, _ := e.NextDue(); !d.After(c.Now()) {
			t.Fatalf("nothing held, yet due %v", d)
		}
	}
	// every move recorded, as before, with 0
	e.SetUpdateEvery(0)
	for i := int64(41); i <= 43; i++ {
		if got := summary(e.ObserveHit(Hit{ID: i, At: c.Now(), Operations: []string{"op"}})); got != "updated" {
			t.Fatalf("hit %d with no limit: %q", i, got)
		}
	}
}
