// Package alerts turns hits and source health into alerts: rules decide when
// a condition holds, the engine carries each alert through its lifecycle
// (pending, firing, acknowledged, resolved), groups and deduplicates by a
// fingerprint, mutes by silences, and says when to notify. The engine is
// pure: observations and a clock in, changes out; the caller stores each
// change as a timeline event and hands notifications to notifiers.
package alerts

import (
	"errors"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Kind is what a rule watches for.
type Kind = watch.AlertKind

const (
	// KindSeverity: any hit on a list of the given severity.
	KindSeverity Kind = "severity"
	// KindCount: at least Threshold hits in Window for an operation.
	KindCount Kind = "count"
	// KindSpike: the hit rate over Window is more than Factor times the
	// rate over the Baseline before it.
	KindSpike Kind = "spike"
	// KindNewAuthor: an author or channel first seen on an operation's lists.
	KindNewAuthor Kind = "new_author"
	// KindPlaceDate: a hit naming the operation's place or date terms while
	// the operation is before, imminent or live.
	KindPlaceDate Kind = "place_date"
	// KindSourceFailing: a source failing Threshold times in a row while an
	// operation that uses it is imminent or live.
	KindSourceFailing Kind = "source_failing"
	// KindReferralOverdue: a referral to a platform still without an
	// outcome after its platform's chase-after days (fed by the referral
	// timeline events; the referral carries its due time).
	KindReferralOverdue Kind = "referral_overdue"
	// KindRequestOverdue: a tasking request past its service level (not
	// triaged, or not completed, in time). The console adds one such rule
	// itself; the service levels are the tasking config's.
	KindRequestOverdue Kind = "request_overdue"
	// KindEvaluationLag: alert evaluation itself behind the timeline by
	// Lag or more (the console adds one such rule itself).
	KindEvaluationLag Kind = "evaluation_lag"
)

// Rule is one alert rule.
type Rule struct {
	ID        string
	Name      string
	Kind      Kind
	Operation string        // "" for every operation (alerts are still grouped per operation)
	Severity  string        // KindSeverity: the lowest list severity that alerts (routine < high < critical)
	Threshold int           // KindCount: hits; KindSourceFailing: failures in a row
	Window    time.Duration // how long evidence counts (default 1h)
	Baseline  time.Duration // KindSpike: the span before Window to compare with (default 24h)
	Factor    float64       // KindSpike: how many times the baseline rate
	MinHits   int           // KindSpike: fewest hits in Window to call a spike (default 3)
	For       time.Duration // how long the condition must hold before firing (0: at once)
	Lag       time.Duration // KindEvaluationLag: how far behind evaluation may fall (default 1m)
	Repeat    time.Duration // re-notify its group this often while an alert is firing unacknowledged (0: the grouping's repeat interval)
}

// Validation errors.
var ErrBadRule = errors.New("bad alert rule")

func (r *Rule) defaults() {
	if r.Window <= 0 {
		r.Window = time.Hour
	}
	if r.Baseline <= 0 {
		r.Baseline = 24 * time.Hour
	}
	if r.MinHits <= 0 {
		r.MinHits = 3
	}
	if r.Lag <= 0 {
		r.Lag = time.Minute
	}
}

// Validate reports what is wrong with a rule.
func (r Rule) Validate() error {
	bad := func(msg string) error { return fmt.Errorf("rule %q: %s: %w", r.ID, msg, ErrBadRule) }
	if r.ID == "" {
		return bad("no id")
	}
	switch r.Kind {
	case KindSeverity:
		if r.Severity == "" {
			return bad("a severity rule needs a severity")
		}
	case KindCount, KindSourceFailing:
		if r.Threshold < 1 {
			return bad("threshold must be at least 1")
		}
	case KindSpike:
		if r.Factor <= 1 {
			return bad("a spike factor must be more than 1")
		}
	case KindNewAuthor, KindPlaceDate, KindReferralOverdue, KindRequestOverdue, KindEvaluationLag:
	default:
		return bad(fmt.Sprintf("unknown kind %q", r.Kind))
	}
	if r.Window < 0 || r.Lag < 0 || r.For < 0 || r.Repeat < 0 || r.Baseline < 0 {
		return bad("durations must not be negative")
	}
	return nil
}
