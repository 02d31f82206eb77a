package watch

import "time"

// EventReferral is the timeline event of a referral made, changed or
// observed by a removal check.
const EventReferral = "referral"

// Referral outcomes: what the platform did, as the officer records it.
const (
	OutcomePending    = "pending"
	OutcomeRemoved    = "removed"
	OutcomeRestricted = "restricted"
	OutcomeDeclined   = "declined"
	OutcomeNoResponse = "no_response"
)

// Outcomes are the outcomes in the order a form offers them.
var Outcomes = []string{OutcomePending, OutcomeRemoved, OutcomeRestricted, OutcomeDeclined, OutcomeNoResponse}

// What a removal check saw at the referred URL. It sits beside the
// officer's outcome and never replaces it.
const (
	ObservedGone        = "gone"        // 404 or 410
	ObservedUnavailable = "unavailable" // the platform's "unavailable" page
	ObservedUp          = "up"          // still served
	ObservedUnknown     = "unknown"     // the check failed; Detail has the error class
)

// Referral is one piece of content referred to a platform for removal.
type Referral struct {
	ID        int64     `json:"id"`
	Platform  string    `json:"platform"` // platform id from the config
	URL       string    `json:"url"`
	Category  string    `json:"category"`  // the platform's policy category
	Reference string    `json:"reference"` // what the platform returned (ticket, case number)
	Outcome   string    `json:"outcome"`
	OutcomeAt time.Time `json:"outcome_at,omitzero"` // when the outcome was last set (not pending)
	Note      string    `json:"note"`
	HitID     int64     `json:"hit_id,omitempty"`
	CaptureID int64     `json:"capture_id,omitempty"` // the evidence capture made before referring
	Operation string    `json:"operation,omitempty"`
	At        time.Time `json:"at"` // when referred
	By        string    `json:"by"`
	// DueAt is when a referral still without an outcome is chased: the
	// referral's time plus the platform's chase-after days.
	DueAt     time.Time `json:"due_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// The last removal check.
	Observed       string    `json:"observed,omitempty"`
	ObservedAt     time.Time `json:"observed_at,omitzero"`
	ObservedDetail string    `json:"observed_detail,omitempty"`
}

// Overdue reports whether the referral is still without an outcome at t
// after its due time.
func (r Referral) Overdue(t time.Time) bool {
	return r.Outcome == OutcomePending && !r.DueAt.IsZero() && !t.Before(r.DueAt)
}

// ReferralChange is one attributed change of a referral's field.
type ReferralChange struct {
	ReferralID int64     `json:"referral_id"`
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	Field      string    `json:"field"` // created, outcome, reference, category, note
	Old        string    `json:"old"`
	New        string    `json:"new"`
}

// ReferralObservation is what one removal check saw.
type ReferralObservation struct {
	ReferralID int64     `json:"referral_id"`
	At         time.Time `json:"at"`
	Observed   string    `json:"observed"`
	Status     int       `json:"status,omitempty"` // HTTP status when there was one
	Detail     string    `json:"detail,omitempty"` // error class, or the marker found
}

// ReferralFilter narrows the ledger; zero fields do not filter. From and
// To bound the referral's time (To exclusive).
type ReferralFilter struct {
	Platform, Outcome, Operation string
	From, To                     time.Time
}
