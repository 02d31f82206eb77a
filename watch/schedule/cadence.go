package schedule

import (
	"strings"
	"time"
)

// Interval is how often spec fires, when it fires at a steady pace
// ("@every 20s", "*/5 * * * *"); 0 when it does not (a spec for a few
// set times a day) or cannot be read. Read from the spec's own next runs
// after now, so it is the schedule's truth, not a guess from its text.
func Interval(spec string, now time.Time) time.Duration {
	s, err := Parse(spec)
	if err != nil {
		return 0
	}
	a := s.Next(now)
	b := s.Next(a)
	c := s.Next(b)
	if a.IsZero() || b.IsZero() || c.IsZero() || b.Sub(a) != c.Sub(b) {
		return 0
	}
	return b.Sub(a)
}

// Effective is how often a source is polled when its own schedule fires
// every own (0: not at a steady pace) and a surge asks for every surge (0:
// none): the sooner of the two, as the scheduler runs it (the surge
// schedule is the source's own, or sooner). 0 means the source's own,
// irregular schedule.
func Effective(own, surge time.Duration) time.Duration {
	switch {
	case surge <= 0:
		return own
	case own > 0 && own <= surge:
		return own
	}
	return surge
}

// Every writes d as a person reads it: 20s, 1m, 1h30m, not 1m0s.
func Every(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Describe says how often a source on spec is polled at now, and why,
// given the surge cadence in force for it (0: none) and the surge's
// reason: "polled every 20s" on "its own schedule" when that is sooner
// than the surge, the surge's cadence and reason otherwise.
func Describe(spec string, surge time.Duration, surgeWhy string, now time.Time) (string, string) {
	own := Interval(spec, now)
	d := Effective(own, surge)
	switch {
	case d == 0:
		return "polled on the schedule " + spec, "its own schedule"
	case surge <= 0 || d != surge || (own > 0 && own == surge):
		return "polled every " + Every(d), "its own schedule"
	}
	return "polled every " + Every(d), surgeWhy
}
