package tasking

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Action is something done to a request.
type Action string

const (
	ActSubmit  Action = "submit"   // the requester sends a draft, or answers a question
	ActAccept  Action = "accept"   // triage: priority, assignee, due date
	ActDecline Action = "decline"  // triage: a reason sent back
	ActAskInfo Action = "ask_info" // triage: a question sent back
	ActMerge   Action = "merge"    // triage: a duplicate of another request
	ActAssign  Action = "assign"   // change priority, assignee or due date while in work
	ActLink    Action = "link"     // record work the request produced
	ActProduct Action = "product"  // a new version of the intelligence product
	ActRelease Action = "release"  // release a product version to the requester
	ActClose   Action = "close"    // done, with an outcome
	ActReopen  Action = "reopen"   // back into the backlog
)

// Public reports whether the requester is told of the action (their board
// gets it); the rest is the hub's own working.
func (a Action) Public() bool {
	switch a {
	case ActAssign, ActLink, ActProduct:
		return false
	}
	return true
}

// Label is the action as the history shows it.
func (a Action) Label() string {
	switch a {
	case ActSubmit:
		return "Submitted"
	case ActAccept:
		return "Accepted"
	case ActDecline:
		return "Declined"
	case ActAskInfo:
		return "More information asked for"
	case ActMerge:
		return "Merged"
	case ActAssign:
		return "Assigned"
	case ActLink:
		return "Work linked"
	case ActProduct:
		return "Product version added"
	case ActRelease:
		return "Product released"
	case ActClose:
		return "Completed"
	case ActReopen:
		return "Reopened"
	}
	return string(a)
}

// Decision is an action with what it needs.
type Decision struct {
	Action   Action
	By       string
	Priority string
	Assignee string
	Due      time.Time
	Reason   string // decline: one of DeclineReasons
	Text     string // decline: the message; ask_info: the question; reopen: why; submit: the answer
	Into     int64  // merge: the request it duplicates
	Link     Link
	Outcome  Outcome
}

// ErrState is returned for an action the request's state does not allow.
var ErrState = errors.New("the request is not in a state that allows this")

// Problem is one thing wrong with what a person entered, by form field.
type Problem struct {
	Field, Message string
}

// Problems is every problem found at once.
type Problems []Problem

func (p Problems) Error() string {
	var b strings.Builder
	for i, x := range p {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(x.Field + ": " + x.Message)
	}
	return b.String()
}

// For returns the message for a field ("" when it has none).
func (p Problems) For(field string) string {
	for _, x := range p {
		if x.Field == field {
			return x.Message
		}
	}
	return ""
}

func (p *Problems) add(field, format string, args ...any) {
	*p = append(*p, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Check reports what is wrong with a decision before it is applied.
func (d Decision) Check() Problems {
	var p Problems
	switch d.Action {
	case ActAccept, ActAssign:
		if !oneOf(d.Priority, Priorities) {
			p.add("priority", "choose a priority (%s)", strings.Join(Priorities, ", "))
		}
		if strings.TrimSpace(d.Assignee) == "" {
			p.add("assignee", "name who will do the work")
		}
		if d.Due.IsZero() {
			p.add("due", "give a due date")
		}
	case ActDecline:
		if !oneOf(d.Reason, DeclineReasons) {
			p.add("reason", "choose why the request is declined")
		}
		if strings.TrimSpace(d.Text) == "" || tooLong(d.Text, 2000) {
			p.add("text", "tell the requester why, in at most 2000 characters")
		}
	case ActAskInfo:
		if strings.TrimSpace(d.Text) == "" || tooLong(d.Text, 2000) {
			p.add("text", "ask the question, in at most 2000 characters")
		}
	case ActMerge:
		if d.Into <= 0 {
			p.add("into", "give the reference of the request this one duplicates")
		}
	case ActLink:
		if !oneOf(d.Link.Kind, LinkKinds) {
			p.add("kind", "choose what kind of work it is")
		}
		if r := strings.TrimSpace(d.Link.Ref); r == "" || tooLong(r, 200) {
			p.add("ref", "give its id or reference (at most 200 characters)")
		}
	case ActClose:
		o := d.Outcome
		if o.Intelligence < 0 || o.Intelligence > 10000 {
			p.add("intelligence", "the number of intelligence reports is 0 or more")
		}
		if o.Delivered < 0 || o.Delivered > 10000 {
			p.add("delivered", "the number of products delivered is 0 or more")
		}
		if o.Intelligence > 0 || o.Grading.Source != "" {
			if !oneOf(o.Grading.Source, SourceGrades) {
				p.add("source_grade", "grade the source (1, 2 or 3)")
			}
			if !oneOf(o.Grading.Intelligence, IntelligenceGrades) {
				p.add("intel_grade", "grade the intelligence (A to E)")
			}
			if !oneOf(o.Grading.Handling, HandlingCodes) {
				p.add("handling", "give the handling code (P or C)")
			}
			if o.Grading.Handling == "C" && strings.TrimSpace(o.Grading.Conditions) == "" {
				p.add("conditions", "handling code C needs its conditions")
			}
		}
		if strings.TrimSpace(o.Note) == "" || tooLong(o.Note, 4000) {
			p.add("note", "say what the work achieved (at most 4000 characters)")
		}
	case ActReopen:
		if strings.TrimSpace(d.Text) == "" || tooLong(d.Text, 2000) {
			p.add("text", "say why it is reopened")
		}
	case ActSubmit, ActProduct, ActRelease:
	default:
		p.add("action", "unknown action %q", d.Action)
	}
	return p
}

// allowed says which states each action may be taken from.
var allowed = map[Action][]State{
	ActSubmit:  {StateDraft, StateInfo},
	ActAccept:  {StateSubmitted, StateInfo},
	ActDecline: {StateSubmitted, StateInfo},
	ActAskInfo: {StateSubmitted},
	ActMerge:   {StateSubmitted, StateInfo},
	ActAssign:  {StateAccepted},
	ActLink:    {StateAccepted, StateClosed},
	ActProduct: {StateAccepted},
	ActRelease: {StateAccepted, StateClosed},
	ActClose:   {StateAccepted},
	ActReopen:  {StateClosed, StateDeclined, StateMerged},
}

// Allowed reports whether a request in state s may take the action.
func Allowed(s State, a Action) bool {
	for _, x := range allowed[a] {
		if x == s {
			return true
		}
	}
	return false
}

// Apply takes a checked decision at now: the new state, its times and spans.
// It changes nothing and returns ErrState when the state does not allow it.
func (r *Request) Apply(d Decision, now time.Time) error {
	if p := d.Check(); len(p) > 0 {
		return p
	}
	if !Allowed(r.State, d.Action) {
		return fmt.Errorf("%s a request that is %s: %w", d.Action, r.State, ErrState)
	}
	triage := func() {
		if r.Triaged.IsZero() {
			r.Triaged = now
		}
	}
	end := func() {
		if n := len(r.Spans); n > 0 && r.Spans[n-1].End.IsZero() {
			r.Spans[n-1].End = now
		}
	}
	switch d.Action {
	case ActSubmit:
		if r.State == StateDraft {
			r.Submitted = now
			r.Spans = append(r.Spans, Span{Start: now})
		}
		r.State = StateSubmitted
	case ActAccept:
		triage()
		if r.Accepted.IsZero() {
			r.Accepted = now
		}
		r.State, r.Priority, r.Assignee, r.Due = StateAccepted, d.Priority, strings.TrimSpace(d.Assignee), d.Due
	case ActAssign:
		r.Priority, r.Assignee, r.Due = d.Priority, strings.TrimSpace(d.Assignee), d.Due
	case ActDecline:
		triage()
		end()
		r.State, r.DeclineReason, r.DeclineText = StateDeclined, d.Reason, strings.TrimSpace(d.Text)
	case ActAskInfo:
		triage()
		r.State, r.InfoAsked = StateInfo, strings.TrimSpace(d.Text)
	case ActMerge:
		if d.Into == r.ID {
			return Problems{{Field: "into", Message: "a request cannot be merged into itself"}}
		}
		triage()
		end()
		r.State, r.MergedInto = StateMerged, d.Into
	case ActLink:
		l := d.Link
		l.Ref, l.By, l.At = strings.TrimSpace(l.Ref), d.By, now
		r.Links = append(r.Links, l)
	case ActProduct, ActRelease:
	case ActClose:
		end()
		r.State, r.Completed, r.Outcome = StateClosed, now, d.Outcome
	case ActReopen:
		r.Reopened++
		r.Completed = time.Time{}
		r.Spans = append(r.Spans, Span{Start: now})
		if r.State == StateClosed {
			r.State = StateAccepted
		} else {
			r.State, r.MergedInto = StateSubmitted, 0
		}
	}
	r.Updated = now
	return nil
}
