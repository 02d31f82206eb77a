package tasking

import (
	"fmt"
	"time"
)

// Overdue is a request past a service level.
type Overdue struct {
	ID      int64
	Ref     string
	Type    string
	Urgency Urgency
	What    string    // "triage" or "completion"
	Due     time.Time // when it fell due
}

// Summary says what is overdue, for an alert.
func (o Overdue) Summary() string {
	return fmt.Sprintf("request %s (%s, %s) is past its %s service level, due %s", o.Ref, o.Type, o.Urgency, o.What, o.Due.UTC().Format(time.RFC3339))
}

// FindOverdue returns the open requests past their service level at now:
// not triaged within the level's triage time of submission, or in work past
// the level's completion time from submission or the due date the triage
// gave, whichever is sooner. A request waiting for the requester's answer
// is not overdue for triage: the hub has triaged it.
func FindOverdue(rows []Row, cfg Config, now time.Time) []Overdue {
	var out []Overdue
	for _, r := range rows {
		if !r.State.Open() || r.Submitted.IsZero() {
			continue
		}
		l := cfg.Level(r.Type, r.Urgency)
		o := Overdue{ID: r.ID, Ref: Ref(r.ID), Type: r.Type, Urgency: r.Urgency}
		switch r.State {
		case StateSubmitted:
			// a reopened request is triaged again: count from its latest span
			start := r.Submitted
			if n := len(r.Spans); n > 0 {
				start = r.Spans[n-1].Start
			}
			if due := start.Add(l.Triage); now.After(due) {
				o.What, o.Due = "triage", due
			}
		case StateAccepted:
			due := r.Submitted.Add(l.Complete)
			if !r.Due.IsZero() && r.Due.Before(due) {
				due = r.Due
			}
			if now.After(due) {
				o.What, o.Due = "completion", due
			}
		}
		if o.What != "" {
			out = append(out, o)
		}
	}
	return out
}
