package alerts

import (
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/tasking"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// A request past its service level fires one alert of its own, which
// resolves once the request is no longer overdue.
func TestRequestOverdueAlerts(t *testing.T) {
	c := watchtest.NewClock(testOp.Start)
	e := engine(t, c, Rule{ID: "tasking-overdue", Kind: KindRequestOverdue})
	due := c.Now().Add(-time.Minute)
	chs := e.ObserveOverdue([]tasking.Overdue{{ID: 4, Ref: "R-00004", Type: "pre_event", Urgency: "routine", What: "triage", Due: due}})
	if len(chs) != 1 || chs[0].Alert.State != StateFiring || chs[0].Alert.Labels["request"] != "R-00004" || chs[0].Alert.Operation != "" {
		t.Fatalf("changes %+v", chs)
	}
	r4 := tasking.Overdue{ID: 4, Ref: "R-00004", Type: "pre_event", Urgency: "routine", What: "triage", Due: due}
	chs = e.ObserveOverdue([]tasking.Overdue{r4, {ID: 5, Ref: "R-00005", What: "completion", Due: due}})
	if len(chs) != 1 || chs[0].Alert.Labels["request"] != "R-00005" {
		t.Fatalf("second request: %+v", chs)
	}
	chs = e.ObserveOverdue([]tasking.Overdue{{ID: 5, Ref: "R-00005", What: "completion", Due: due}})
	if len(chs) != 1 || chs[0].Alert.Labels["request"] != "R-00004" || chs[0].Alert.State != StateResolved {
		t.Fatalf("triaged request: %+v", chs)
	}
	if err := (Rule{ID: "x", Kind: KindRequestOverdue}).Validate(); err != nil {
		t.Fatal(err)
	}
}
