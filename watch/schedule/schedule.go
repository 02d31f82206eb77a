// Package schedule runs one robfig/cron job per source. A job never overlaps
// itself: a tick that comes while the previous run is still going is skipped.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Parser accepts standard five-field specs and descriptors such as @every 5m.
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Parse checks a spec.
func Parse(spec string) (cron.Schedule, error) { return parser.Parse(spec) }

// Scheduler owns the cron runner and the jobs' context.
type Scheduler struct {
	c      *cron.Cron
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	ids    map[string]cron.EntryID
	scheds map[string]scheduled // jobs added on a schedule object, for Reschedule
}

type scheduled struct {
	sched cron.Schedule
	job   cron.Job
}

// New makes a scheduler whose specs are read in loc.
func New(logger *slog.Logger, loc *time.Location) *Scheduler {
	if loc == nil {
		loc = time.UTC
	}
	l := logger.With("component", "schedule")
	ctx, cancel := context.WithCancel(context.Background())
	return &Scheduler{
		c: cron.New(cron.WithParser(parser), cron.WithLocation(loc),
			cron.WithChain(cron.Recover(cronLogger{l}), cron.SkipIfStillRunning(cronLogger{l}))),
		log: l, ctx: ctx, cancel: cancel, ids: map[string]cron.EntryID{}, scheds: map[string]scheduled{},
	}
}

// Add schedules job under a name (a source id) on spec.
func (s *Scheduler) Add(name, spec string, job func(ctx context.Context)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[name]; ok {
		return fmt.Errorf("job %q already scheduled", name)
	}
	id, err := s.c.AddFunc(spec, func() { job(s.ctx) })
	if err != nil {
		return fmt.Errorf("schedule %q: %w", name, err)
	}
	s.ids[name] = id
	return nil
}

// addSchedule adds a job on a schedule object, wrapped like AddFunc's.
func (s *Scheduler) addSchedule(name string, sched cron.Schedule, job func(ctx context.Context)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.ids[name]; ok {
		return fmt.Errorf("job %q already scheduled", name)
	}
	j := cron.FuncJob(func() { job(s.ctx) })
	s.ids[name] = s.c.Schedule(sched, j) // wrapped by the cron's chain
	s.scheds[name] = scheduled{sched: sched, job: j}
	return nil
}

// Reschedule makes a job added on a schedule object work out its next run
// again now (its schedule depends on something that changed, such as the
// operations in force). A run under way finishes; the pipeline refuses a
// second concurrent poll of one source, so the two never overlap.
func (s *Scheduler) Reschedule(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.scheds[name]
	if !ok {
		return
	}
	s.c.Remove(s.ids[name])
	s.ids[name] = s.c.Schedule(j.sched, j.job)
}

// Next returns when the named job runs next (zero if unknown or not started).
func (s *Scheduler) Next(name string) time.Time {
	s.mu.Lock()
	id, ok := s.ids[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	return s.c.Entry(id).Next
}

// Start starts the runner.
func (s *Scheduler) Start() { s.c.Start() }

// Stop cancels running jobs and waits for them, or for ctx.
func (s *Scheduler) Stop(ctx context.Context) {
	s.cancel()
	done := s.c.Stop()
	select {
	case <-done.Done():
	case <-ctx.Done():
	}
}

type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) { c.l.Debug(msg, kv...) }
func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error(msg, append(kv, "err", err)...)
}
