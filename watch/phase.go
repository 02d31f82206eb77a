package watch

import "time"

// Phase is where an operation stands relative to the clock. It is derived
// from the operation's start and end whenever asked, never stored.
type Phase string

const (
	PhaseUpcoming Phase = "upcoming" // more than 48 hours before the start
	PhaseBefore   Phase = "before"   // from T−48h
	PhaseImminent Phase = "imminent" // from T−6h
	PhaseLive     Phase = "live"     // from the start to the end
	PhaseAfter    Phase = "after"    // up to 6 hours after the end
	PhaseClosed   Phase = "closed"
)

// Phase boundaries relative to the start and end.
const (
	BeforeLead   = 48 * time.Hour
	ImminentLead = 6 * time.Hour
	AfterTail    = 6 * time.Hour
)

// PhaseAt returns the operation's phase at t.
func (o Operation) PhaseAt(t time.Time) Phase {
	switch {
	case t.Before(o.Start.Add(-BeforeLead)):
		return PhaseUpcoming
	case t.Before(o.Start.Add(-ImminentLead)):
		return PhaseBefore
	case t.Before(o.Start):
		return PhaseImminent
	case t.Before(o.End):
		return PhaseLive
	case t.Before(o.End.Add(AfterTail)):
		return PhaseAfter
	default:
		return PhaseClosed
	}
}

// NextPhaseChange returns when the phase at t next changes (zero once closed).
func (o Operation) NextPhaseChange(t time.Time) time.Time {
	for _, b := range []time.Time{o.Start.Add(-BeforeLead), o.Start.Add(-ImminentLead), o.Start, o.End, o.End.Add(AfterTail)} {
		if t.Before(b) {
			return b
		}
	}
	return time.Time{}
}
