package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/tasking"
)

// Recorder keeps alert changes, their timeline events and, with the first
// change, its audit entry, in one transaction.
type Recorder interface {
	RecordAlertChanges(ctx context.Context, chs []watch.AlertChange, audit *watch.AuditEntry) error
}

// ServiceOptions tune a Service.
type ServiceOptions struct {
	Severities map[string]string                   // watch list id -> severity
	Severity   func(list string) string            // instead of Severities, when lists change while running
	Notify     func(ctx context.Context, n Notice) // called for each group notification due; must not block long
	QueueSize  int                                 // timeline events waiting to be evaluated (default 10000)
	Silences   SilenceKeeper                       // where silences made in the console are kept; nil: not kept
}

// SilenceKeeper keeps silences (and their audit and timeline entries).
type SilenceKeeper interface {
	SaveSilence(ctx context.Context, sl watch.Silence, action, by string) error
}

// Service feeds the timeline to the engine and records what changes. It
// reads the timeline from a queue of its own: events arrive from the
// store's publisher, which must never wait on alert evaluation.
type Service struct {
	eng     *Engine
	rec     Recorder
	log     *slog.Logger
	opts    ServiceOptions
	in      chan watch.Event
	dropped atomic.Int64
	// mu makes each engine change and its recording one step, so the
	// store's current state of an alert is always the engine's last one
	// (an acknowledgement cannot be overwritten by an older firing).
	mu sync.Mutex
}

// NewService wires the engine to the store.
func NewService(eng *Engine, rec Recorder, logger *slog.Logger, opts ServiceOptions) *Service {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 10000
	}
	if opts.Notify == nil {
		opts.Notify = func(context.Context, Notice) {}
	}
	if opts.Severity == nil {
		sev := opts.Severities
		opts.Severity = func(list string) string { return sev[list] }
	}
	return &Service{eng: eng, rec: rec, log: logger.With("component", "alerts"), opts: opts,
		in: make(chan watch.Event, opts.QueueSize)}
}

// Observe queues committed timeline events; it never blocks. An event that
// does not fit is counted and logged: the next Tick still sees the windows.
func (s *Service) Observe(evs []watch.Event) {
	for _, ev := range evs {
		if ev.Type != watch.EventHit && ev.Type != watch.EventSource && ev.Type != watch.EventReferral {
			continue
		}
		select {
		case s.in <- ev:
		default:
			s.dropped.Add(1)
			s.log.Error("alert queue full: event not evaluated", "seq", ev.Seq)
		}
	}
}

// Dropped counts events that did not fit the queue.
func (s *Service) Dropped() int64 { return s.dropped.Load() }

// Run evaluates queued events until ctx ends, and wakes when a group's
// notification falls due (its group_wait or group_interval ends) rather
// than on the next tick.
func (s *Service) Run(ctx context.Context) {
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	for {
		wake.Reset(s.untilDue())
		select {
		case <-ctx.Done():
			return
		case ev := <-s.in:
			if err := s.Handle(ctx, ev); err != nil {
				s.log.Error("evaluate event", "seq", ev.Seq, "err", err)
			}
		case <-wake.C:
			if err := s.Flush(ctx); err != nil {
				s.log.Error("alert notifications", "err", err)
			}
		}
	}
}

// untilDue is how long until the next group notification falls due (an
// hour when none is to come: ticks and events wake the loop too).
func (s *Service) untilDue() time.Duration {
	at, ok := s.eng.NextDue()
	if !ok {
		return time.Hour
	}
	// a little late rather than early: the clock decides, not the timer
	return max(at.Sub(s.eng.now())+10*time.Millisecond, 0)
}

// Flush sends the group notifications due now and records which alerts
// they carried.
func (s *Service) Flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flush(ctx)
}

func (s *Service) flush(ctx context.Context) error {
	notices, chs := s.eng.Flush()
	if len(chs) > 0 {
		if err := s.rec.RecordAlertChanges(ctx, chs, nil); err != nil {
			return fmt.Errorf("record alert notifications: %w", err)
		}
	}
	for _, n := range notices {
		s.opts.Notify(ctx, n)
	}
	return nil
}

// Handle evaluates one timeline event and records what changes.
func (s *Service) Handle(ctx context.Context, ev watch.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch ev.Type {
	case watch.EventHit:
		var v watch.HitView
		if err := json.Unmarshal(ev.Data, &v); err != nil {
			return fmt.Errorf("decode hit event: %w", err)
		}
		return s.record(ctx, s.eng.ObserveHit(s.hit(v)), nil)
	case watch.EventSource:
		var h watch.SourceHealth
		if err := json.Unmarshal(ev.Data, &h); err != nil {
			return fmt.Errorf("decode source event: %w", err)
		}
		return s.record(ctx, s.eng.ObserveSource(SourceStatus{Source: h.SourceID, At: ev.At, Failures: h.Failures, Message: h.LastError}), nil)
	case watch.EventReferral:
		var d struct {
			Referral watch.Referral `json:"referral"`
		}
		if err := json.Unmarshal(ev.Data, &d); err != nil {
			return fmt.Errorf("decode referral event: %w", err)
		}
		return s.record(ctx, s.eng.ObserveReferral(ReferralOf(d.Referral)), nil)
	}
	return nil
}

// ReferralOf is what the chaser rule needs of a referral.
func ReferralOf(r watch.Referral) ReferralStatus {
	return ReferralStatus{ID: r.ID, Operation: r.Operation, Platform: r.Platform, URL: r.URL, HitID: r.HitID,
		At: r.At, Due: r.DueAt, Updated: r.UpdatedAt, Pending: r.Outcome == watch.OutcomePending}
}

// RestoreReferrals gives the engine the referrals without an outcome (at
// start, before anything is observed).
func (s *Service) RestoreReferrals(rs []watch.Referral) {
	st := make([]ReferralStatus, len(rs))
	for i, r := range rs {
		st[i] = ReferralOf(r)
	}
	s.eng.RestoreReferrals(st)
}

func (s *Service) hit(v watch.HitView) Hit {
	return Hit{ID: v.ID, At: v.Found, List: v.ListID, Severity: s.opts.Severity(v.ListID),
		Operations: v.Operations, Author: v.Item.Author, Source: v.Item.SourceID, Title: v.Item.Title, Text: v.Item.Text}
}

// ObserveOverdue feeds the engine the requests past their service level
// now (tasking.FindOverdue) and records what changes.
func (s *Service) ObserveOverdue(ctx context.Context, list []tasking.Overdue) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.record(ctx, s.eng.ObserveOverdue(list), nil)
}

// SeedOverdue gives the engine the overdue requests at start, without
// evaluating (see Engine.SeedOverdue).
func (s *Service) SeedOverdue(list []tasking.Overdue) { s.eng.SeedOverdue(list) }

// Tick re-evaluates with the clock (windows, For, silences, repeats).
func (s *Service) Tick(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.record(ctx, s.eng.Tick(), nil)
}

// Ack acknowledges a firing alert for a person, audited.
func (s *Service) Ack(ctx context.Context, fp, by string) (Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.eng.Ack(fp, by)
	if err != nil {
		return Alert{}, err
	}
	return ch.Alert, s.record(ctx, []Change{ch}, &watch.AuditEntry{Actor: by, Action: "alert_ack", Target: "alert:" + fp})
}

// Assign names who works an alert, audited.
func (s *Service) Assign(ctx context.Context, fp, to, by string) (Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.eng.Assign(fp, to)
	if err != nil {
		return Alert{}, err
	}
	return ch.Alert, s.record(ctx, []Change{ch}, &watch.AuditEntry{Actor: by, Action: "alert_assign", Target: "alert:" + fp, Detail: "to=" + to})
}

// Resolve closes an alert by hand with a reason, audited.
func (s *Service) Resolve(ctx context.Context, fp, by, reason string) (Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, err := s.eng.Resolve(fp, by, reason)
	if err != nil {
		return Alert{}, err
	}
	return ch.Alert, s.record(ctx, []Change{ch}, &watch.AuditEntry{Actor: by, Action: "alert_resolve", Target: "alert:" + fp, Detail: reason})
}

// SetOperations tells the engine the operations now in force.
func (s *Service) SetOperations(ops []watch.Operation) error {
	aops := make([]Operation, len(ops))
	for i, op := range ops {
		aops[i] = Operation{Operation: op, Terms: op.Terms}
	}
	return s.eng.SetOperations(aops)
}

// AddSilence mutes matching alerts from s.Start to s.End: kept, audited,
// a timeline event, then in force.
func (s *Service) AddSilence(ctx context.Context, sl Silence, by string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := validateSilence(sl); err != nil {
		return err
	}
	if s.opts.Silences != nil {
		if err := s.opts.Silences.SaveSilence(ctx, kept(sl), "silence_add", by); err != nil {
			return err
		}
	}
	chs, err := s.eng.AddSilence(sl)
	if err != nil {
		return err
	}
	return s.record(ctx, chs, nil)
}

// ExpireSilence ends a silence now, kept and audited.
func (s *Service) ExpireSilence(ctx context.Context, id, by string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sl, chs, err := s.eng.ExpireSilence(id)
	if err != nil {
		return err
	}
	if s.opts.Silences != nil {
		if err := s.opts.Silences.SaveSilence(ctx, kept(sl), "silence_expire", by); err != nil {
			return err
		}
	}
	return s.record(ctx, chs, nil)
}

// LoadSilence puts a silence in force at start (from the config or the
// store), without recording anything.
func (s *Service) LoadSilence(sl Silence) error {
	return s.eng.RestoreSilence(sl)
}

// Silences returns every silence with its state now.
func (s *Service) Silences() []SilenceView { return s.eng.SilenceList() }

// kept is a silence as it is stored: one of no origin was made in the console.
func kept(sl Silence) Silence {
	if sl.Origin == "" {
		sl.Origin = "web"
	}
	return sl
}

// Open returns the open alerts.
func (s *Service) Open() []Alert { return s.eng.Open() }

// record keeps the changes, then sends the group notifications now due.
func (s *Service) record(ctx context.Context, chs []Change, audit *watch.AuditEntry) error {
	if len(chs) > 0 {
		if err := s.rec.RecordAlertChanges(ctx, chs, audit); err != nil {
			return fmt.Errorf("record alert changes: %w", err)
		}
	}
	return s.flush(ctx)
}
