package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store/storetest"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// sourceEvent is a "source" timeline event as the store writes it.
func sourceEvent(t *testing.T, at time.Time, failures int, msg string) watch.Event {
	t.Helper()
	state := "failing"
	if failures == 0 {
		state = "ok"
	}
	data, err := json.Marshal(watch.SourceHealth{SourceID: "feed1", State: state, Failures: failures, LastError: msg})
	if err != nil {
		t.Fatal(err)
	}
	return watch.Event{Type: watch.EventSource, At: at, Data: data}
}

type nullRecorder struct{ changes []Change }

func (r *nullRecorder) RecordAlertChanges(_ context.Context, chs []watch.AlertChange, _ *watch.AuditEntry) error {
	r.changes = append(r.changes, chs...)
	return nil
}

// A source failing again and again with the same error fires
// source_failing at the threshold, counted poll by poll.
func TestSourceFailingAfterNFailuresWithTheSameError(t *testing.T) {
	c := newClock()
	c.Set(at(3 * time.Hour)) // the operation is live
	e := engine(t, c, Rule{ID: "src", Kind: KindSourceFailing, Threshold: 3})
	rec := &nullRecorder{}
	svc := NewService(e, rec, watchtest.Logger(), ServiceOptions{})
	ctx := context.Background()
	for n := 1; n <= 3; n++ {
		c.Add(time.Minute)
		if err := svc.Handle(ctx, sourceEvent(t, c.Now(), n, "HTTP 503 Service Unavailable")); err != nil {
			t.Fatal(err)
		}
		if open := svc.Open(); (n < 3) != (len(open) == 0) {
			t.Fatalf("after %d failures: open %+v", n, open)
		}
	}
	a := svc.Open()[0]
	if a.State != StateFiring || a.Labels["source"] != "feed1" || a.Severity != "high" ||
		a.Summary != "source feed1 failed 3 times in a row: HTTP 503 Service Unavailable" {
		t.Fatalf("alert %+v", a)
	}
	c.Add(time.Minute)
	if err := svc.Handle(ctx, sourceEvent(t, c.Now(), 0, "")); err != nil {
		t.Fatal(err)
	}
	if open := svc.Open(); len(open) != 0 {
		t.Fatalf("still open after recovery: %+v", open)
	}
}

type failingPoller struct{}

func (failingPoller) Poll(context.Context, watch.Source, watch.SourceHealth) (watch.PollResult, error) {
	return watch.PollResult{}, errors.New("HTTP 503 Service Unavailable")
}

// Every failed poll, each with the same error, reaches the alert service
// through the store's publisher: the third fires source_failing.
func TestEveryFailedPollReachesTheAlertService(t *testing.T) {
	c := watchtest.NewClock(at(3 * time.Hour))
	st := storetest.Open(t, c.Now)
	e, err := New([]Rule{{ID: "src", Kind: KindSourceFailing, Threshold: 3}}, []Operation{testOp}, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	svc := NewService(e, st, watchtest.Logger(), ServiceOptions{})
	st.SetPublisher(svc.Observe)
	m, err := watch.NewMatcher(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := watch.NewPipeline(failingPoller{}, m, st, watchtest.Logger(), watch.PipelineOptions{Now: c.Now})
	ctx := context.Background()
	src := watch.Source{ID: "feed1", Kind: "feed", URL: "https://example.org/feed.xml"}
	for n := 1; n <= 3; n++ {
		c.Add(time.Minute)
		if err := p.Poll(ctx, src); err == nil {
			t.Fatal("the poll did not fail")
		}
		switch q := queued(svc); len(q) {
		case 1:
			ev := q[0]
			var h watch.SourceHealth
			if err := json.Unmarshal(ev.Data, &h); err != nil || h.Failures != n {
				t.Fatalf("poll %d: source event %s: %v", n, ev.Data, err)
			}
			if err := svc.Handle(ctx, ev); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("failed poll %d did not reach the alert service", n)
		}
	}
	open := svc.Open()
	if len(open) != 1 || open[0].RuleID != "src" || open[0].State != StateFiring {
		t.Fatalf("open %+v", open)
	}
}
