// Package tasking is the hub's demand: requests for its help from anyone in
// the force, their triage by the hub's supervisors, the work they caused and
// their outcome, kept as one record; service levels; and the demand figures,
// computed as pure functions over stored rows. It does no I/O: the store
// keeps its records and the console shows them.
package tasking

import (
	"fmt"
	"strings"
	"time"
)

// State is where a request is in its life.
type State string

const (
	StateDraft     State = "draft"          // kept by its requester, not yet sent
	StateSubmitted State = "submitted"      // waiting for triage
	StateInfo      State = "info_requested" // the hub asked the requester for more
	StateAccepted  State = "accepted"       // in work
	StateDeclined  State = "declined"       // refused, with a reason sent back
	StateMerged    State = "merged"         // a duplicate, folded into another request
	StateClosed    State = "closed"         // done, with an outcome
)

// States in the order a request usually passes through them.
var States = []State{StateDraft, StateSubmitted, StateInfo, StateAccepted, StateDeclined, StateMerged, StateClosed}

// Label is the state as a person reads it.
func (s State) Label() string {
	switch s {
	case StateDraft:
		return "Draft"
	case StateSubmitted:
		return "Waiting for triage"
	case StateInfo:
		return "More information needed"
	case StateAccepted:
		return "Accepted, in work"
	case StateDeclined:
		return "Declined"
	case StateMerged:
		return "Merged with another request"
	case StateClosed:
		return "Completed"
	}
	return string(s)
}

// Open reports whether the request is in the hub's backlog.
func (s State) Open() bool { return s == StateSubmitted || s == StateInfo || s == StateAccepted }

// Urgency is how soon the requester needs the work.
type Urgency string

const (
	UrgencyRoutine   Urgency = "routine"
	UrgencyPriority  Urgency = "priority"
	UrgencyImmediate Urgency = "immediate"
)

// Urgencies, least urgent first.
var Urgencies = []Urgency{UrgencyRoutine, UrgencyPriority, UrgencyImmediate}

// Priorities the triage gives an accepted request, most pressing first.
var Priorities = []string{"P1", "P2", "P3", "P4"}

// DeclineReasons are the kinds of refusal the demand figures count; the
// free text sent back says more.
var DeclineReasons = []string{"outside_remit", "insufficient_information", "no_lawful_basis", "no_capacity", "better_placed_elsewhere", "other"}

// LinkKinds are the kinds of work a request can produce. They are linked by
// id, whether or not the console holds that kind yet.
var LinkKinds = []string{"operation", "watchlist", "briefing", "case", "exhibit", "referral"}

// Span is a period the request was open (in the backlog); End is zero while
// it still is. A reopened request has more than one.
type Span struct {
	Start, End time.Time
}

// Link is one piece of work a request produced.
type Link struct {
	Kind string    `json:"kind"`
	Ref  string    `json:"ref"`
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// Product is one version of an intelligence product: a free-text report.
// Versions are immutable; SHA256 covers the text as stored.
type Product struct {
	RequestID int64     `json:"request_id"`
	Version   int       `json:"version"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	SHA256    string    `json:"sha256"`
	Released  bool      `json:"released"` // shown to the requester
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Grading is the 3x5x2 evaluation of intelligence: the source (1 reliable,
// 2 untested, 3 not reliable), the intelligence (A to E) and the handling
// code (P: lawful sharing permitted; C: with conditions).
type Grading struct {
	Source       string `json:"source"`
	Intelligence string `json:"intelligence"`
	Handling     string `json:"handling"`
	Conditions   string `json:"conditions,omitempty"` // what C requires
}

// String is the grading as written on a report, e.g. "1/B/P".
func (g Grading) String() string {
	if g.Source == "" {
		return ""
	}
	return g.Source + "/" + g.Intelligence + "/" + g.Handling
}

// Grades allowed in a Grading.
var (
	SourceGrades       = []string{"1", "2", "3"}
	IntelligenceGrades = []string{"A", "B", "C", "D", "E"}
	HandlingCodes      = []string{"P", "C"}
)

// Outcome is what a closed request achieved.
type Outcome struct {
	Intelligence int     `json:"intelligence"` // intelligence reports generated
	Grading      Grading `json:"grading"`      // of the main one
	Delivered    int     `json:"delivered"`    // products delivered to the requester
	Note         string  `json:"note"`         // the qualitative note: what difference it made
}

// Request is one request for the hub's help, with its triage, work and outcome.
type Request struct {
	ID          int64
	RequesterID int64
	Requester   string
	State       State

	// the form
	Type, Team, Contact string
	Operation           string // a linked operation's id, when there is one
	EventName           string
	EventPlace          string
	EventDate           time.Time
	Urgency             Urgency
	NeededBy            time.Time
	Asked, Why          string
	CaseRef             string
	LawfulBasis         string
	AuthorityRef        string
	NamesPeople         bool   // it names people to be viewed repeatedly
	NoAuthorityReason   string // why no authority is needed, when none is given

	// triage
	Priority      string
	Assignee      string
	Due           time.Time
	DeclineReason string // one of DeclineReasons
	DeclineText   string // sent back to the requester
	InfoAsked     string
	MergedInto    int64

	Submitted time.Time // first submission
	Triaged   time.Time // first triage decision
	Accepted  time.Time // first acceptance
	Completed time.Time // last close, while closed
	Spans     []Span
	Reopened  int

	Outcome Outcome
	Links   []Link

	Created, Updated time.Time
}

// Ref is the request's reference as people quote it.
func (r Request) Ref() string { return Ref(r.ID) }

// Ref formats a request id as a reference.
func Ref(id int64) string { return fmt.Sprintf("R-%05d", id) }

// ParseRef reads a reference (R-00042, or 42).
func ParseRef(s string) (int64, bool) {
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "R-")
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// Title is a short line naming the request.
func (r Request) Title() string {
	t := strings.TrimSpace(r.Asked)
	if i := strings.IndexAny(t, "\n.?"); i > 0 {
		t = t[:i]
	}
	if len([]rune(t)) > 80 {
		t = string([]rune(t)[:79]) + "…"
	}
	return t
}

// Ended is when the request last left the backlog (zero while open).
func (r Request) Ended() time.Time {
	if len(r.Spans) == 0 {
		return time.Time{}
	}
	return r.Spans[len(r.Spans)-1].End
}
