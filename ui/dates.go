package ui

import "time"

// A date a person types is held to a window around now: from a year back
// (an operation or a request about last month's event) to five years
// ahead. Year 0001 or 9999 is a slip of the keyboard, not a plan, and
// would sort, silence or schedule as if it were one.
const (
	yearsBack  = 1
	yearsAhead = 5
)

// dateProblem says what is wrong with a typed date, or "" when it is in
// the window.
func (s *Server) dateProblem(t time.Time) string {
	now := s.opts.Now()
	from, to := now.AddDate(-yearsBack, 0, 0), now.AddDate(yearsAhead, 0, 0)
	if t.Before(from) || t.After(to) {
		return "a date between " + from.In(s.opts.Location).Format("2 Jan 2006") + " and " + to.In(s.opts.Location).Format("2 Jan 2006")
	}
	return ""
}
