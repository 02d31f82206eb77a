package notify

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// goldenNotices are group notifications of each shape a receiver sees:
// one alert firing, one resolved, and a group of several that changed.
func goldenNotices() map[string]alerts.Notice {
	fired := time.Date(2026, 8, 29, 21, 5, 0, 0, time.UTC)
	labels := map[string]string{"operation": "carnival", "rule": "ume-hit"}
	a := alerts.Alert{Fingerprint: "3f9c2a71d0b4e8aa", RuleID: "ume-hit", RuleName: "UME hit", Kind: alerts.KindSeverity,
		Operation: "carnival", State: alerts.StateFiring, Severity: "high", Summary: "3 high-severity hits, 2 authors in the last 1h",
		Evidence: []int64{101, 102, 107}, Started: fired, FiredAt: fired}
	resolved := a
	resolved.State, resolved.AckedAt, resolved.AckedBy = alerts.StateResolved, fired.Add(4*time.Minute), "pc.khan"
	resolved.ResolvedAt, resolved.ResolvedBy, resolved.Reason = fired.Add(time.Hour), "sgt.ode", "crowd dispersed"
	author := func(fp string, n int, ids ...int64) alerts.Alert {
		return alerts.Alert{Fingerprint: fp, RuleID: "new-author", RuleName: "New author", Kind: alerts.KindNewAuthor,
			Operation: "carnival", State: alerts.StateFiring, Severity: "routine", Evidence: ids, Started: fired, FiredAt: fired,
			Summary: fmt.Sprintf("new author on the operation's lists, %d hit%s", n, map[bool]string{true: "s"}[n != 1])}
	}
	gone := author("77aa01c2e9d05b13", 1, 99)
	gone.State, gone.ResolvedAt, gone.ResolvedBy, gone.Reason = alerts.StateResolved, fired.Add(6*time.Minute), "system", "the condition cleared"
	byAuthor := map[string]string{"operation": "carnival", "rule": "new-author"}
	return map[string]alerts.Notice{
		"alert_firing":   {Key: "operation=carnival,rule=ume-hit", Labels: labels, Event: "firing", Severity: "high", Summary: a.Summary, Firing: []alerts.Alert{a}, At: fired.Add(30 * time.Second)},
		"alert_resolved": {Key: "operation=carnival,rule=ume-hit", Labels: labels, Event: "resolved", Severity: "high", Summary: "resolved: " + a.Summary, Resolved: []alerts.Alert{resolved}, At: fired.Add(time.Hour)},
		"alert_group_changed": {Key: "operation=carnival,rule=new-author", Labels: byAuthor, Event: "changed", Severity: "routine",
			Summary:  "3 new authors, 5 hits; 1 alert resolved",
			Firing:   []alerts.Alert{author("0b5e3f9d11c2a7e4", 2, 110, 112), author("5d0c7a2b93e1f468", 2, 111, 114), author("c1e2d3f4a5b60718", 1, 115)},
			Resolved: []alerts.Alert{gone}, At: fired.Add(10 * time.Minute)},
	}
}

// The words and the JSON of an alert notification are what receivers and
// duty officers read; any change to them shows here first.
func TestAlertNotificationGolden(t *testing.T) {
	for name, c := range goldenNotices() {
		t.Run(name, func(t *testing.T) {
			n := AlertNotification(c, "Notting Hill Carnival", "https://watchroom.force.example/board/carnival")
			watchtest.Golden(t, name+".txt", []byte("Subject: "+n.Subject+"\n\n"+n.Text))
			js, err := json.MarshalIndent(n.JSON, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			watchtest.Golden(t, name+".json", append(js, '\n'))
		})
	}
}
