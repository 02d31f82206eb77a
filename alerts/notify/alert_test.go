package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

var t0 = time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)

// engine is an alert engine with one operation, starting at t0+2h.
func engine(t *testing.T, c *watchtest.Clock, rules ...alerts.Rule) *alerts.Engine {
	t.Helper()
	op := alerts.Operation{Operation: watch.Operation{ID: "op", Name: "Carnival", Start: t0.Add(2 * time.Hour), End: t0.Add(12 * time.Hour)}}
	e, err := alerts.New(rules, []alerts.Operation{op}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	// every group change notified at once
	if err := e.SetGrouping(alerts.GroupOptions{Interval: time.Nanosecond}); err != nil {
		t.Fatal(err)
	}
	return e
}

// flushed returns the group notifications due now.
func flushed(e *alerts.Engine) []alerts.Notice {
	ns, _ := e.Flush()
	return ns
}

func events(ns []alerts.Notice) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Event)
	}
	return strings.Join(out, " ")
}

// The engine's own changes, rendered: firing, the repeat, and the
// resolution each get a clear subject, and nothing collected from the
// source (the post's text, its author) leaves in the text or the JSON.
func TestAlertNotificationFromEngine(t *testing.T) {
	c := watchtest.NewClock(t0)
	e := engine(t, c, alerts.Rule{ID: "red", Name: "Red list hit", Kind: alerts.KindSeverity, Severity: "critical",
		Window: 3 * time.Hour, Repeat: time.Hour})
	const secret, author = "meet at the back gate with the gear", "@quiet_handle"
	hit := alerts.Hit{ID: 7, At: c.Now(), Operations: []string{"op"}, Severity: "critical", Author: author,
		Title: secret, Text: secret}

	var got []alerts.Notice
	e.ObserveHit(hit)
	got = append(got, flushed(e)...)
	c.Add(time.Hour)
	e.Tick()
	got = append(got, flushed(e)...)
	c.Add(2 * time.Hour)
	e.Tick()
	got = append(got, flushed(e)...)
	if s := events(got); s != "firing repeat resolved" {
		t.Fatalf("group notifications = %q", s)
	}

	const board = "https://hub.example/ops/op#alerts"
	for i, tc := range []struct {
		subject string
		event   string
		lines   []string
	}{
		{"[watchroom] CRITICAL · FIRING: Red list hit · Carnival", "firing",
			[]string{"FIRING: Red list hit\n", "Severity: CRITICAL\n", "Operation: Carnival (op)\n", "Summary:       1 critical-severity hit, 1 author in the last 3h\n",
				"State:         firing\n", "Evidence:      1 hit: #7\n", "Rule:          Red list hit (red, severity)\n",
				"Fired:         2026-08-29 12:00:00 UTC\n", "Board: " + board + "\n"}},
		{"[watchroom] CRITICAL · STILL FIRING (repeat): Red list hit · Carnival", "repeat",
			[]string{"STILL FIRING (repeat): Red list hit\n", "this is a repeat notification", "Evidence:      1 hit: #7\n"}},
		{"[watchroom] CRITICAL · RESOLVED: Red list hit · Carnival", "resolved",
			[]string{"RESOLVED: Red list hit\n", "State:         resolved\n",
				"Resolved:      2026-08-29 15:00:00 UTC by system: the condition cleared\n"}},
	} {
		n := AlertNotification(got[i], "Carnival", board)
		if n.Kind != "alert" || n.Subject != tc.subject || len(n.To) != 0 {
			t.Errorf("%s: kind %q subject %q to %v", tc.event, n.Kind, n.Subject, n.To)
		}
		for _, l := range tc.lines {
			if !strings.Contains(n.Text, l) {
				t.Errorf("%s: text lacks %q:\n%s", tc.event, l, n.Text)
			}
		}
		js, err := json.Marshal(n.JSON)
		if err != nil {
			t.Fatal(err)
		}
		for _, leak := range []string{secret, author} {
			if strings.Contains(n.Text, leak) || strings.Contains(string(js), leak) || strings.Contains(n.Subject, leak) {
				t.Errorf("%s: collected content %q leaked:\n%s\n%s", tc.event, leak, n.Text, js)
			}
		}
		var p AlertPayload
		if err := json.Unmarshal(js, &p); err != nil {
			t.Fatal(err)
		}
		if p.Kind != "alert" || p.Event != tc.event || p.Rule != "red" || p.Operation != "op" ||
			p.OperationName != "Carnival" || p.Board != board || len(p.Evidence) != 1 || p.Evidence[0] != 7 ||
			p.Fingerprint == "" || p.Subject != tc.subject || p.Severity != "critical" || len(p.Alerts) != 1 {
			t.Errorf("%s: payload %+v", tc.event, p)
		}
	}
}

func TestAlertNotificationDetails(t *testing.T) {
	base := alerts.Alert{Fingerprint: "fp1", RuleID: "count", RuleName: "Busy", Kind: alerts.KindCount, Operation: "op",
		State: alerts.StateFiring, Summary: "12 hits in the last 1h0m0s (threshold 10)", Evidence: []int64{1, 2},
		Started: t0, FiredAt: t0, Labels: map[string]string{"author": "@someone"}}
	for _, tc := range []struct {
		name    string
		change  func(a *alerts.Alert) alerts.Notice
		opName  string
		board   string
		subject string
		has     []string
		hasNot  []string
	}{
		{name: "resolved by hand, after an acknowledgement", change: func(a *alerts.Alert) alerts.Notice {
			a.State, a.AckedAt, a.AckedBy, a.Assignee = alerts.StateResolved, t0.Add(time.Minute), "pc.khan", "sgt.ode"
			a.ResolvedAt, a.ResolvedBy, a.Reason = t0.Add(time.Hour), "sgt.ode", "crowd dispersed"
			return alerts.Notice{Labels: map[string]string{"operation": a.Operation}, Resolved: []alerts.Alert{*a}, Event: "resolved"}
		}, opName: "Carnival", subject: "[watchroom] ROUTINE · RESOLVED: Busy · Carnival",
			has: []string{"Acknowledged:  2026-08-29 12:01:00 UTC by pc.khan\n", "Assigned to:   sgt.ode\n",
				"Resolved:      2026-08-29 13:00:00 UTC by sgt.ode: crowd dispersed\n", "Evidence:      2 hits: #1, #2\n"},
			hasNot: []string{"Board:", "@someone"}},
		{name: "no operation name falls back to the id", change: func(a *alerts.Alert) alerts.Notice {
			return alerts.Notice{Labels: map[string]string{"operation": a.Operation}, Firing: []alerts.Alert{*a}, Event: "firing"}
		}, subject: "[watchroom] ROUTINE · FIRING: Busy · op", has: []string{"Operation: op\n"}},
		{name: "hits outside any operation", change: func(a *alerts.Alert) alerts.Notice {
			a.Operation = ""
			return alerts.Notice{Labels: map[string]string{"operation": a.Operation}, Firing: []alerts.Alert{*a}, Event: "firing"}
		}, subject: "[watchroom] ROUTINE · FIRING: Busy · no operation", has: []string{"Operation: no operation\n"}},
		{name: "names cannot break a header or forge lines", change: func(a *alerts.Alert) alerts.Notice {
			a.RuleName = "Busy\r\nBcc: everyone@example.org"
			a.Summary = "twelve\nBoard: https://evil.example"
			return alerts.Notice{Labels: map[string]string{"operation": a.Operation}, Firing: []alerts.Alert{*a}, Event: "firing"}
		}, opName: "Carni\nval", board: "https://hub.example/ops/op\r\nX: y",
			subject: "[watchroom] ROUTINE · FIRING: Busy Bcc: everyone@example.org · Carni val",
			has:     []string{"Summary:       twelve Board: https://evil.example\n", "Board: https://hub.example/ops/op X: y\n"},
			hasNot:  []string{"\nBcc:", "\r"}},
		{name: "rule without a name uses its id", change: func(a *alerts.Alert) alerts.Notice {
			a.RuleName = ""
			a.Severity = "high"
			return alerts.Notice{Labels: map[string]string{"operation": a.Operation}, Firing: []alerts.Alert{*a}, Event: "changed"}
		}, opName: "Carnival", subject: "[watchroom] HIGH · FIRING (changed): count · Carnival"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base
			a.Labels = map[string]string{"author": "@someone"}
			n := AlertNotification(tc.change(&a), tc.opName, tc.board)
			if n.Subject != tc.subject {
				t.Errorf("subject %q, want %q", n.Subject, tc.subject)
			}
			for _, s := range tc.has {
				if !strings.Contains(n.Text, s) {
					t.Errorf("text lacks %q:\n%s", s, n.Text)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(n.Text, s) {
					t.Errorf("text has %q:\n%s", s, n.Text)
				}
			}
			js, _ := json.Marshal(n.JSON)
			if strings.Contains(string(js), "labels") || strings.Contains(string(js), "@someone") {
				t.Errorf("payload carries the labels: %s", js)
			}
		})
	}
}

// A big group lists its first alerts one by one and counts the rest; the
// JSON carries them all.
func TestAlertNotificationCapsTheList(t *testing.T) {
	n := alerts.Notice{Key: "operation=op,rule=newbie", Labels: map[string]string{"operation": "op", "rule": "newbie"}, Event: "firing",
		Summary: "25 new authors, 25 hits"}
	for i := range 25 {
		n.Firing = append(n.Firing, alerts.Alert{Fingerprint: fmt.Sprintf("fp%02d", i), RuleID: "newbie", Kind: alerts.KindNewAuthor,
			Operation: "op", State: alerts.StateFiring, Summary: "new author on the operation's lists, 1 hit", Evidence: []int64{int64(i)}})
	}
	msg := AlertNotification(n, "Carnival", "")
	if strings.Count(msg.Text, "\n- ROUTINE, firing:") != maxListed || !strings.Contains(msg.Text, "… and 5 more on the board.") ||
		msg.Subject != "[watchroom] ROUTINE · FIRING: newbie (25 alerts) · Carnival" {
		t.Fatalf("%s\n%s", msg.Subject, msg.Text)
	}
	if p := msg.JSON.(AlertPayload); len(p.Alerts) != 25 || p.Firing != 25 {
		t.Fatalf("payload lists %d alerts", len(p.Alerts))
	}
}

// A summary that names a post's author keeps neither line breaks nor
// invisible direction controls in the mail: they are shown.
func TestOneLineReveals(t *testing.T) {
	if got := OneLine("new author admin\u202egnp.exe\r\nBcc: x@example.org po\u200blice"); got != "new author admin[RLO]gnp.exe Bcc: x@example.org po[ZWSP]lice" {
		t.Fatalf("OneLine = %q", got)
	}
}
