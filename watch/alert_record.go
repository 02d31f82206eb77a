package watch

import "time"

// AlertKind is what an alert rule watches for; the alerts package names
// the kinds.
type AlertKind string

// AlertState is where an alert is in its lifecycle; the alerts package
// names the states and moves alerts between them.
type AlertState string

// Alert is one instance of a rule's condition holding for a group (an
// operation, and for some kinds a source or an author). The store keeps
// each alert's latest state by fingerprint.
type Alert struct {
	Fingerprint  string            `json:"fingerprint"`
	RuleID       string            `json:"rule"`
	RuleName     string            `json:"rule_name"`
	Kind         AlertKind         `json:"kind"`
	Operation    string            `json:"operation"`
	Labels       map[string]string `json:"labels"`
	State        AlertState        `json:"state"`
	Severity     string            `json:"severity"` // routine, high or critical: how urgent it is
	Summary      string            `json:"summary"`
	Evidence     []int64           `json:"evidence"` // hit ids, newest last
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

// AlertChange is one thing that happened to an alert. The store keeps the
// alert as it now is and the change itself as an "alert" timeline event on
// the alert's operation's board. Notify is set on a "notified" change: the
// alert was just sent to the notifiers, within its group's notification.
type AlertChange struct {
	Alert  Alert  `json:"alert"`
	Event  string `json:"event"` // pending, firing, updated, acknowledged, assigned, resolved, notified, silenced, unsilenced
	Notify bool   `json:"notify"`
}

// Clone copies an alert, its labels and evidence included.
func (a *Alert) Clone() Alert {
	c := *a
	c.Labels = make(map[string]string, len(a.Labels))
	for k, v := range a.Labels {
		c.Labels[k] = v
	}
	c.Evidence = append([]int64(nil), a.Evidence...)
	return c
}

// AlertCursor is how far the alert engine has evaluated the timeline: the
// last event's seq and the newest hit id among the events evaluated. After
// a restart the hits up to HitID fill the rules' windows again and the
// events after Seq are evaluated.
type AlertCursor struct {
	Seq   int64
	HitID int64
}
