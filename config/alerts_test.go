package config

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAlertRulesAndOperationDetails(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines(
		"watchlists:",
		"  - {id: ume, terms: [rave], severity: critical}",
		"  - {id: misc, terms: [party], tags: [event discovery, music]}",
		"operations:",
		"  - id: carnival",
		"    name: Carnival",
		"    start: 2026-08-29T10:00:00Z",
		"    end: 2026-08-31T22:00:00Z",
		"    kind: planned",
		"    place: Ladbroke Grove",
		"    terms: [Ladbroke Grove, bank holiday]",
		"    risk: high",
		"    team: North Kensington SNT",
		"    cadence: {imminent: 90s, live: 30s}",
		"    lat: 51.5173",
		"    lon: -0.2107",
		"    radius_m: 1500",
		"    context: Two streets had disorder last year",
		"    briefing_lead: 36h",
		"alerts:",
		"  - {id: crit, kind: severity, severity: critical}",
		"  - {id: busy, kind: count, operation: carnival, threshold: 10, window: 15m, for: 1m, repeat: 2h}",
		"  - {id: spike, kind: spike, factor: 3.5, baseline: 12h, min_hits: 4}",
		"  - {id: fail, kind: source_failing, threshold: 3}",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.WatchLists[0].Severity != "critical" || f.WatchLists[1].Severity != "routine" {
		t.Errorf("severities %q %q", f.WatchLists[0].Severity, f.WatchLists[1].Severity)
	}
	if !slices.Equal(f.WatchLists[1].Tags, []string{"event discovery", "music"}) || f.WatchLists[0].Tags != nil {
		t.Errorf("tags %q %q", f.WatchLists[0].Tags, f.WatchLists[1].Tags)
	}
	op := f.Operations[0]
	if op.Kind != "planned" || op.Risk != "high" || op.Place != "Ladbroke Grove" || len(op.Terms) != 2 || op.Team != "North Kensington SNT" {
		t.Errorf("operation %+v", op)
	}
	if !op.HasPoint || op.Lat != 51.5173 || op.Lon != -0.2107 || op.RadiusM != 1500 || op.Context != "Two streets had disorder last year" || op.BriefingLead != 36*time.Hour {
		t.Errorf("place and lead %+v", op)
	}
	if op.Cadence["live"] != 30*time.Second || op.Cadence["imminent"] != 90*time.Second || len(op.Cadence) != 2 {
		t.Errorf("cadence %v", op.Cadence)
	}
	if len(f.Alerts) != 4 {
		t.Fatalf("%d rules", len(f.Alerts))
	}
	busy := f.Alerts[1]
	if busy.Operation != "carnival" || busy.Threshold != 10 || busy.Window != 15*time.Minute || busy.For != time.Minute || busy.Repeat != 2*time.Hour {
		t.Errorf("busy %+v", busy)
	}
	if s := f.Alerts[2]; s.Factor != 3.5 || s.Baseline != 12*time.Hour || s.MinHits != 4 {
		t.Errorf("spike %+v", s)
	}
}

func TestAlertRuleProblems(t *testing.T) {
	checkProblems(t, lines(
		"watchlists:",
		"  - {id: ume, terms: [rave], severity: urgent}",
		"operations:",
		"  - {id: op, name: Op, start: 2026-08-29T10:00:00Z, end: 2026-08-30T10:00:00Z, kind: rave, risk: extreme}",
		"alerts:",
		"  - {id: a, kind: count}",
		"  - {id: b, kind: spike, factor: 1}",
		"  - {id: c, kind: severity, severity: high, operation: nope}",
		"  - {id: a, kind: hunch}",
	), Options{},
		`w.yaml:2:40: watchlists[0].severity: "urgent" is not one of critical, high, routine`,
		`w.yaml:4:86: operations[0].kind: "rave" is not one of planned, ume, gathering, other`,
		`w.yaml:4:98: operations[0].risk: "extreme" is not one of low, medium, high`,
		`w.yaml:6:5: alerts[0]: missing required key "threshold"`,
		`w.yaml:7:34: alerts[1].factor: want a number above 1, not "1"`,
		`w.yaml:8:56: alerts[2].operation: alert rule "c" names operation "nope" that is not defined`,
		`w.yaml:9:10: alerts[3].id: duplicate alert rule id "a" (first at line 6)`,
		`w.yaml:9:19: alerts[3].kind: "hunch" is not one of severity, count, spike, new_author, place_date, source_failing, referral_overdue`,
	)
}

func TestSilences(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines(
		"silences:",
		"  - id: s1",
		"    matchers: {rule: busy, operation: carnival}",
		"    start: 2026-08-29T06:00:00Z",
		"    end: 2026-08-29T10:00:00Z",
		"    reason: stage build",
		"    author: Insp. Example",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Silences[0]
	if s.ID != "s1" || s.Matchers["rule"] != "busy" || s.Matchers["operation"] != "carnival" || len(s.Matchers) != 2 ||
		s.End.Sub(s.Start) != 4*time.Hour || s.Reason != "stage build" || s.Author != "Insp. Example" {
		t.Errorf("silence %+v", s)
	}
	_, err = Parse("w.yaml", []byte(lines(
		"silences:",
		"  - {id: s1, matchers: {team: x}, start: 2026-08-29T06:00:00Z, end: 2026-08-29T05:00:00Z, reason: r, author: a}",
		"  - {id: s2, matchers: {}, start: 2026-08-29T06:00:00Z, end: 2026-08-29T07:00:00Z}",
	)), Options{})
	var probs Problems
	if !errors.As(err, &probs) {
		t.Fatalf("err %v", err)
	}
	got := probs.Error()
	for _, want := range []string{`silences[0].matchers: unknown key "team"`, `silences[0].end: end must be after start`,
		`silences[1].matchers: a silence needs at least one matcher`, `silences[1]: missing required key "reason"`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}

// Alert grouping: defaults keep a busy night readable; every key is
// checked with its line.
func TestAlertGrouping(t *testing.T) {
	f, err := Parse("g.yaml", []byte("alerts:\n  - {id: crit, kind: severity, severity: high}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := f.AlertGrouping; !slices.Equal(g.By, []string{"operation", "rule"}) || g.Wait != 30*time.Second ||
		g.Interval != 5*time.Minute || g.Repeat != 4*time.Hour {
		t.Fatalf("defaults %+v", g)
	}
	f, err = Parse("g.yaml", []byte(lines(
		"alert_grouping:",
		"  group_by: [operation]",
		"  group_wait: 0s",
		"  group_interval: 10m",
		"  repeat_interval: 2h",
	)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := f.AlertGrouping; !slices.Equal(g.By, []string{"operation"}) || g.Wait != 0 || g.Interval != 10*time.Minute || g.Repeat != 2*time.Hour {
		t.Fatalf("set %+v", g)
	}
	_, err = Parse("g.yaml", []byte(lines(
		"alert_grouping:",
		"  group_by: [operation, team, operation]",
		"  group_wait: -1s",
		"  group_interval: 0s",
		"  repeat: 2h",
	)), Options{})
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err %v", err)
	}
	got := err.Error()
	for _, want := range []string{
		`g.yaml:2:25: alert_grouping.group_by[1]: "team" is not one of rule, kind, operation, author, source`,
		`g.yaml:2:31: alert_grouping.group_by[2]: label "operation" is listed twice`,
		`g.yaml:3:15: alert_grouping.group_wait: duration "-1s" must not be negative (0s notifies at once)`,
		`g.yaml:4:19: alert_grouping.group_interval: duration "0s" must be more than 0`,
		`g.yaml:5:3: alert_grouping: unknown key "repeat"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
