package watch

import "time"

// Draft states.
const (
	DraftProposed  = "proposed"
	DraftAccepted  = "accepted"
	DraftDismissed = "dismissed"
)

// Draft is an event found by a calendar source or an event-discovery watch
// list, proposed as an operation for an analyst to accept or dismiss. Its
// text comes from a source: it is hostile, shown only as text.
type Draft struct {
	ID          int64     `json:"id"`
	Fingerprint string    `json:"fingerprint"` // the event's identity: the same event is proposed once
	Source      string    `json:"source"`
	List        string    `json:"list"` // the event-discovery list; "" for a calendar event
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Text        string    `json:"text"`
	Location    string    `json:"location"`
	EventStart  time.Time `json:"event_start,omitzero"`
	EventEnd    time.Time `json:"event_end,omitzero"`
	Found       time.Time `json:"found"`
	State       string    `json:"state"`
	DecidedBy   string    `json:"decided_by,omitempty"`
	DecidedAt   time.Time `json:"decided_at,omitzero"`
	Operation   string    `json:"operation,omitempty"` // the operation an accepted draft became
}
