package alerts

import "time"

// State is where an alert is in its lifecycle.
type State string

const (
	StatePending      State = "pending"
	StateFiring       State = "firing"
	StateAcknowledged State = "acknowledged"
	StateResolved     State = "resolved"
)

// Alert is one instance of a rule's condition holding for a group (an
// operation, and for some kinds a source or an author).
type Alert struct {
	Fingerprint  string            `json:"fingerprint"`
	RuleID       string            `json:"rule"`
	RuleName     string            `json:"rule_name"`
	Kind         Kind              `json:"kind"`
	Operation    string            `json:"operation"`
	Labels       map[string]string `json:"labels"`
	State        State             `json:"state"`
	Summary      string            `json:"summary"`
	Evidence     []int64           `json:"evidence"` // hit ids, newest last, at most maxEvidence
	Started      time.Time         `json:"started"`
	FiredAt      time.Time         `json:"fired_at,omitzero"`
	AckedAt      time.Time         `json:"acked_at,omitzero"`
	AckedBy      string            `json:"acked_by,omitempty"`
	Assignee     string            `json:"assignee,omitempty"`
	ResolvedAt   time.Time         `json:"resolved_at,omitzero"`
	ResolvedBy   string            `json:"resolved_by,omitempty"`
	Reason       string            `json:"reason,omitempty"`
	LastNotified time.Time         `json:"last_notified,omitzero"`
	Silenced     bool              `json:"silenced"`
}

const maxEvidence = 50

// Change is one thing that happened to an alert; the caller records each as
// a timeline event, and sends a notification where Notify is set.
type Change struct {
	Alert  Alert  `json:"alert"`
	Event  string `json:"event"` // pending, firing, acknowledged, assigned, resolved, notified
	Notify bool   `json:"notify"`
}

func (a *Alert) copy() Alert {
	c := *a
	c.Labels = make(map[string]string, len(a.Labels))
	for k, v := range a.Labels {
		c.Labels[k] = v
	}
	c.Evidence = append([]int64(nil), a.Evidence...)
	return c
}
