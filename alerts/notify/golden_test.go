package notify

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// goldenChange is one alert change of each shape a receiver sees.
func goldenChanges() map[string]alerts.Change {
	fired := time.Date(2026, 8, 29, 21, 5, 0, 0, time.UTC)
	a := alerts.Alert{Fingerprint: "3f9c2a71d0b4e8aa", RuleID: "ume-hit", RuleName: "UME hit", Kind: alerts.KindSeverity,
		Operation: "carnival", State: alerts.StateFiring, Summary: "3 high-severity hit(s) in the last 1h0m0s",
		Evidence: []int64{101, 102, 107}, Started: fired, FiredAt: fired}
	resolved := a
	resolved.State, resolved.AckedAt, resolved.AckedBy = alerts.StateResolved, fired.Add(4*time.Minute), "pc.khan"
	resolved.ResolvedAt, resolved.ResolvedBy, resolved.Reason = fired.Add(time.Hour), "sgt.ode", "crowd dispersed"
	return map[string]alerts.Change{
		"alert_firing":   {Alert: a, Event: "firing", Notify: true},
		"alert_resolved": {Alert: resolved, Event: "resolved", Notify: true},
	}
}

// The words and the JSON of an alert notification are what receivers and
// duty officers read; any change to them shows here first.
func TestAlertNotificationGolden(t *testing.T) {
	for name, c := range goldenChanges() {
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
