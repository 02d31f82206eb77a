package alerts

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The engine's own changes, rendered: firing, the repeat, and the
// resolution each get a clear subject, and nothing collected from the
// source (the post's text, its author) leaves in the text or the JSON.
func TestAlertNotificationFromEngine(t *testing.T) {
	c := newClock()
	e := engine(t, c, Rule{ID: "red", Name: "Red list hit", Kind: KindSeverity, Severity: "red",
		Window: 3 * time.Hour, Repeat: time.Hour})
	const secret, author = "meet at the back gate with the gear", "@quiet_handle"
	hit := Hit{ID: 7, At: c.now(), Operations: []string{"op"}, Severity: "red", Author: author,
		Title: secret, Text: secret}

	var got []Change
	got = append(got, e.ObserveHit(hit)...)
	c.add(time.Hour)
	got = append(got, e.Tick()...)
	c.add(2 * time.Hour)
	got = append(got, e.Tick()...)
	if s := summary(got); s != "firing! notified! resolved!" {
		t.Fatalf("engine changes = %q", s)
	}

	const board = "https://hub.example/ops/op#alerts"
	for i, tc := range []struct {
		subject string
		event   string
		lines   []string
	}{
		{"[watchroom] FIRING: Red list hit · Carnival", "firing",
			[]string{"FIRING: Red list hit\n", "Operation: Carnival (op)\n", "Summary:       1 red-severity hit(s) in the last 3h0m0s\n",
				"State:         firing\n", "Evidence:      1 hit: #7\n", "Rule:          Red list hit (red, severity)\n",
				"Fired:         2026-08-29 12:00:00 UTC\n", "Board: " + board + "\n"}},
		{"[watchroom] STILL FIRING (repeat): Red list hit · Carnival", "repeat",
			[]string{"STILL FIRING (repeat): Red list hit\n", "this is a repeat notification", "Evidence:      1 hit: #7\n"}},
		{"[watchroom] RESOLVED: Red list hit · Carnival", "resolved",
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
			p.Fingerprint == "" || p.Subject != tc.subject {
			t.Errorf("%s: payload %+v", tc.event, p)
		}
	}
}

func TestAlertNotificationDetails(t *testing.T) {
	base := Alert{Fingerprint: "fp1", RuleID: "count", RuleName: "Busy", Kind: KindCount, Operation: "op",
		State: StateFiring, Summary: "12 hits in the last 1h0m0s (threshold 10)", Evidence: []int64{1, 2},
		Started: t0, FiredAt: t0, Labels: map[string]string{"author": "@someone"}}
	for _, tc := range []struct {
		name    string
		change  func(a *Alert) Change
		opName  string
		board   string
		subject string
		has     []string
		hasNot  []string
	}{
		{name: "resolved by hand, after an acknowledgement", change: func(a *Alert) Change {
			a.State, a.AckedAt, a.AckedBy, a.Assignee = StateResolved, t0.Add(time.Minute), "pc.khan", "sgt.ode"
			a.ResolvedAt, a.ResolvedBy, a.Reason = t0.Add(time.Hour), "sgt.ode", "crowd dispersed"
			return Change{Alert: *a, Event: "resolved", Notify: true}
		}, opName: "Carnival", subject: "[watchroom] RESOLVED: Busy · Carnival",
			has: []string{"Acknowledged:  2026-08-29 12:01:00 UTC by pc.khan\n", "Assigned to:   sgt.ode\n",
				"Resolved:      2026-08-29 13:00:00 UTC by sgt.ode: crowd dispersed\n", "Evidence:      2 hits: #1, #2\n"},
			hasNot: []string{"Board:", "@someone"}},
		{name: "no operation name falls back to the id", change: func(a *Alert) Change {
			return Change{Alert: *a, Event: "firing", Notify: true}
		}, subject: "[watchroom] FIRING: Busy · op", has: []string{"Operation: op\n"}},
		{name: "hits outside any operation", change: func(a *Alert) Change {
			a.Operation = ""
			return Change{Alert: *a, Event: "firing", Notify: true}
		}, subject: "[watchroom] FIRING: Busy · no operation", has: []string{"Operation: no operation\n"}},
		{name: "names cannot break a header or forge lines", change: func(a *Alert) Change {
			a.RuleName = "Busy\r\nBcc: everyone@example.org"
			a.Summary = "twelve\nBoard: https://evil.example"
			return Change{Alert: *a, Event: "firing", Notify: true}
		}, opName: "Carni\nval", board: "https://hub.example/ops/op\r\nX: y",
			subject: "[watchroom] FIRING: Busy Bcc: everyone@example.org · Carni val",
			has:     []string{"Summary:       twelve Board: https://evil.example\n", "Board: https://hub.example/ops/op X: y\n"},
			hasNot:  []string{"\nBcc:", "\r"}},
		{name: "rule without a name uses its id", change: func(a *Alert) Change {
			a.RuleName = ""
			return Change{Alert: *a, Event: "acknowledged"}
		}, opName: "Carnival", subject: "[watchroom] ACKNOWLEDGED: count · Carnival"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := base.copy()
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
