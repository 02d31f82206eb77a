package schedule

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/watchroom/watchroom/watch"
)

// Cadences are how often an operation's sources are polled in each phase.
// A phase without one leaves the source's own schedule in force.
type Cadences map[watch.Phase]time.Duration

// DefaultCadences tighten polling as an operation approaches.
func DefaultCadences() Cadences {
	return Cadences{watch.PhaseBefore: 15 * time.Minute, watch.PhaseImminent: 2 * time.Minute,
		watch.PhaseLive: time.Minute, watch.PhaseAfter: 5 * time.Minute}
}

// Surge derives each source's cadence from the clock and the operations
// that use it. Nothing is stored: when a phase ends, the cadence it set is
// simply no longer in force.
type Surge struct {
	mu  sync.RWMutex
	ops []surgeOp
}

type surgeOp struct {
	op  watch.Operation
	cad Cadences
}

// NewSurge takes the operations and, per operation id, cadences that
// override the defaults phase by phase.
func NewSurge(ops []watch.Operation, overrides map[string]Cadences) *Surge {
	s := &Surge{}
	s.ops = surgeOps(ops, overrides)
	return s
}

func surgeOps(ops []watch.Operation, overrides map[string]Cadences) []surgeOp {
	var out []surgeOp
	for _, op := range ops {
		cad := DefaultCadences()
		for ph, d := range op.Cadence {
			cad[ph] = d
		}
		for ph, d := range overrides[op.ID] {
			cad[ph] = d
		}
		out = append(out, surgeOp{op: op, cad: cad})
	}
	return out
}

// SetOperations replaces the operations, each with its own Cadence over
// the defaults. Schedules read the new ones from their next Next; the
// Scheduler's Reschedule makes a job ask again at once.
func (s *Surge) SetOperations(ops []watch.Operation) {
	next := surgeOps(ops, nil)
	s.mu.Lock()
	s.ops = next
	s.mu.Unlock()
}

func (s *Surge) current() []surgeOp {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ops
}

func uses(op watch.Operation, source string) bool {
	if len(op.Sources) == 0 {
		return true
	}
	for _, s := range op.Sources {
		if s == source {
			return true
		}
	}
	return false
}

// Cadence returns the fastest surge cadence in force for a source at t and
// why, or 0 and "" when only the source's own schedule applies.
func (s *Surge) Cadence(source string, t time.Time) (time.Duration, string) {
	var best time.Duration
	why := ""
	for _, so := range s.current() {
		if !uses(so.op, source) {
			continue
		}
		ph := so.op.PhaseAt(t)
		d, ok := so.cad[ph]
		if !ok || d <= 0 {
			continue
		}
		if best == 0 || d < best {
			best, why = d, fmt.Sprintf("operation %s is %s", so.op.ID, ph)
		}
	}
	return best, why
}

// nextBoundary returns the next phase change after t among the operations
// that use the source (zero if none).
func (s *Surge) nextBoundary(source string, t time.Time) time.Time {
	var next time.Time
	for _, so := range s.current() {
		if !uses(so.op, source) {
			continue
		}
		if b := so.op.NextPhaseChange(t); !b.IsZero() && (next.IsZero() || b.Before(next)) {
			next = b
		}
	}
	return next
}

// surgeSchedule is a cron.Schedule: the source's own schedule, or sooner
// when a surge cadence is in force, and never later than the next phase
// change, so a tighter cadence starts on time.
type surgeSchedule struct {
	base   cron.Schedule
	source string
	surge  *Surge
	hold   func(source string) time.Time // not before this (backoff after failures); nil: none
}

func (ss surgeSchedule) Next(t time.Time) time.Time {
	next := ss.base.Next(t)
	if d, _ := ss.surge.Cadence(ss.source, t); d > 0 {
		if c := t.Add(d); c.Before(next) {
			next = c
		}
	}
	if b := ss.surge.nextBoundary(ss.source, t); !b.IsZero() && b.Before(next) {
		next = b
	}
	// a failing source backs off, whatever its cadence: polling it harder
	// helps no one and can get the force's address blocked
	if ss.hold != nil {
		if h := ss.hold(ss.source); h.After(next) {
			next = h
		}
	}
	return next
}

// AddSource schedules a source's poll on its spec, tightened by surge and
// held back by hold (the time before which it must not run; may be nil).
func (s *Scheduler) AddSource(source, spec string, surge *Surge, hold func(source string) time.Time, job func(ctx context.Context)) error {
	sched, err := SourceSchedule(source, spec, 0, surge, hold)
	if err != nil {
		return err
	}
	return s.addSchedule(source, sched, job)
}

// AddSourceAt is AddSource with the source's runs moved offset into its
// interval (see Spread), keeping its cadence.
func (s *Scheduler) AddSourceAt(source, spec string, offset time.Duration, surge *Surge, hold func(source string) time.Time, job func(ctx context.Context)) error {
	sched, err := SourceSchedule(source, spec, offset, surge, hold)
	if err != nil {
		return err
	}
	return s.addSchedule(source, sched, job)
}

// SourceSchedule is the schedule a source runs on: its spec moved by offset
// (none when 0), tightened by surge and held back by hold.
func SourceSchedule(source, spec string, offset time.Duration, surge *Surge, hold func(source string) time.Time) (cron.Schedule, error) {
	base, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", source, err)
	}
	if offset > 0 {
		base = newOffsetSchedule(base, offset)
	}
	if surge == nil {
		surge = NewSurge(nil, nil)
	}
	return surgeSchedule{base: base, source: source, surge: surge, hold: hold}, nil
}
