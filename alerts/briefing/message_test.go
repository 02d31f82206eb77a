package briefing

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The message that carries a briefing to a team: its words, and the JSON a
// team's webhook receives with the document inside.
func TestMessageGolden(t *testing.T) {
	op := watch.Operation{ID: "carnival", Name: "Notting Hill Carnival", Team: "North SNT",
		Start: time.Date(2026, 8, 30, 9, 0, 0, 0, time.UTC)}
	b := watch.BriefingVersion{ID: 7, Operation: "carnival", Version: 2, Generator: ScheduledBy,
		SHA256: "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7",
		Doc: watch.Briefing{
			WatchLists: []watch.WatchList{{ID: "ume", Severity: "high"}, {ID: "weapons", Severity: "critical"}, {ID: "talk"}},
			KeyHits:    []watch.HitView{{Hit: watch.Hit{ListID: "weapons"}}, {Hit: watch.Hit{ListID: "ume"}}, {Hit: watch.Hit{ListID: "ume"}}, {Hit: watch.Hit{ListID: "talk"}}},
			Alerts: []watch.Alert{{State: "firing", Severity: "critical"}, {State: "acknowledged", Severity: "high"},
				{State: "resolved", Severity: "critical"}},
		}}
	n := Message(op, b, []byte("<!doctype html><title>Briefing</title>\n"), "https://watchroom.force.example")
	if n.Kind != "briefing" || len(n.Attachments) != 1 || n.Attachments[0].Name != "briefing-carnival-v2.html" {
		t.Fatalf("message %+v", n)
	}
	watchtest.Golden(t, "briefing_message.txt", []byte("Subject: "+n.Subject+"\n\n"+n.Text))
	js, err := json.MarshalIndent(n.JSON, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	watchtest.Golden(t, "briefing_message.json", append(js, '\n'))
}
