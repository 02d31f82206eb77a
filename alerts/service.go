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

// Timeline is where the service reads back what it has not evaluated
// (falling behind the publisher, or after a restart) and keeps its
// position; *store.Store satisfies it. The store is the queue: nothing
// committed is ever dropped.
type Timeline interface {
	AlertEventsAfter(ctx context.Context, after int64, limit int) ([]watch.Event, error)
	SetAlertCursor(ctx context.Context, c watch.AlertCursor) error
}

// ServiceOptions tune a Service.
type ServiceOptions struct {
	Severities map[string]string                   // watch list id -> severity
	Severity   func(list string) string            // instead of Severities, when lists change while running
	Notify     func(ctx context.Context, n Notice) // called for each group notification due; must not block long
	// Timeline is read back from when the queue overflows; nil: the
	// queue grows instead (tests).
	Timeline  Timeline
	QueueSize int           // events held in memory before reading back from the timeline (default 10000)
	PageSize  int           // events evaluated at once, and read back a page at a time (default 1000)
	SaveEvery time.Duration // how often the position is saved while evaluating (default 1s)
	// Pace is the least time between two evaluations by Run (default
	// 100ms): under load, events gather into pages rather than each
	// evaluating, and recording, every alert's new counts on its own.
	Pace     time.Duration
	Silences SilenceKeeper // where silences made in the console are kept; nil: not kept
}

// SilenceKeeper keeps silences (and their audit and timeline entries).
type SilenceKeeper interface {
	SaveSilence(ctx context.Context, sl watch.Silence, action, by string) error
}

// Service feeds the timeline to the engine and records what changes.
// Events arrive from the store's publisher, which must never wait on
// alert evaluation: they are queued, and when the queue is full the
// service stops queueing and reads them back from the timeline by seq
// instead, so it may fall behind but never loses one.
type Service struct {
	eng  *Engine
	rec  Recorder
	log  *slog.Logger
	opts ServiceOptions
	wake chan struct{}

	qmu      sync.Mutex
	queue    []watch.Event
	readBack bool      // events were left out of the queue: read them from the timeline
	want     int64     // the newest seq known to be waiting
	behind   time.Time // when the newest wait began (the first event not yet evaluated)

	// the position, written under drain (one evaluation at a time)
	drain    sync.Mutex
	pos      atomic.Pointer[position]
	saved    watch.AlertCursor
	savedAt  time.Time
	read     atomic.Int64 // events read back from the timeline
	observed atomic.Int64 // events evaluated

	// mu makes each engine change and its recording one step, so the
	// store's current state of an alert is always the engine's last one
	// (an acknowledgement cannot be overwritten by an older firing).
	mu sync.Mutex
}

// position is how far evaluation has got: the cursor and the time of the
// last event evaluated.
type position struct {
	watch.AlertCursor
	At time.Time
}

// NewService wires the engine to the store.
func NewService(eng *Engine, rec Recorder, logger *slog.Logger, opts ServiceOptions) *Service {
	if opts.QueueSize <= 0 {
		opts.QueueSize = 10000
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	if opts.SaveEvery <= 0 {
		opts.SaveEvery = time.Second
	}
	if opts.Pace <= 0 {
		opts.Pace = 100 * time.Millisecond
	}
	if opts.Notify == nil {
		opts.Notify = func(context.Context, Notice) {}
	}
	if opts.Severity == nil {
		sev := opts.Severities
		opts.Severity = func(list string) string { return sev[list] }
	}
	s := &Service{eng: eng, rec: rec, log: logger.With("component", "alerts"), opts: opts, wake: make(chan struct{}, 1)}
	s.pos.Store(&position{})
	return s
}

// Resume sets where evaluation starts: after the cursor saved before a
// restart, with head the timeline's newest seq now. The events between are
// read back from the timeline by Run. Call it before Run.
func (s *Service) Resume(c watch.AlertCursor, head int64) {
	s.pos.Store(&position{AlertCursor: c, At: s.eng.now()})
	s.saved = c
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if head > c.Seq && s.opts.Timeline != nil {
		s.readBack, s.want, s.behind = true, head, s.eng.now()
	}
}

// Cursor is how far evaluation has got.
func (s *Service) Cursor() watch.AlertCursor { return s.pos.Load().AlertCursor }

// Observe takes committed timeline events; it never blocks and never
// drops: past the queue's size, events are left to be read back from the
// timeline.
func (s *Service) Observe(evs []watch.Event) {
	s.qmu.Lock()
	for _, ev := range evs {
		if !evaluated(ev.Type) || ev.Seq <= s.want {
			continue
		}
		if s.want <= s.pos.Load().Seq {
			s.behind = ev.At // the first event not yet evaluated
			if s.behind.IsZero() {
				s.behind = s.eng.now()
			}
		}
		s.want = ev.Seq
		if s.readBack || (s.opts.Timeline != nil && len(s.queue) >= s.opts.QueueSize) {
			s.readBack = true
			continue
		}
		s.queue = append(s.queue, ev)
	}
	s.qmu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func evaluated(typ string) bool {
	return typ == watch.EventHit || typ == watch.EventSource || typ == watch.EventReferral
}

// Lag is how far evaluation is behind the timeline: how long the oldest
// event not yet evaluated has waited (0 when none waits).
func (s *Service) Lag() time.Duration {
	p := s.pos.Load()
	s.qmu.Lock()
	want, behind := s.want, s.behind
	s.qmu.Unlock()
	if want <= p.Seq {
		return 0
	}
	since := behind
	if p.At.After(since) {
		since = p.At
	}
	return max(s.eng.now().Sub(since), 0)
}

// Stats are the service's counters, for metrics.
type Stats struct {
	Evaluated int64         // events evaluated
	ReadBack  int64         // of them, read back from the timeline (the queue was full, or after a restart)
	Behind    int64         // seqs between the last evaluated and the newest waiting
	Lag       time.Duration // see Lag
}

// Stats returns the service's counters now.
func (s *Service) Stats() Stats {
	p := s.pos.Load()
	s.qmu.Lock()
	want := s.want
	s.qmu.Unlock()
	return Stats{Evaluated: s.observed.Load(), ReadBack: s.read.Load(), Behind: max(want-p.Seq, 0), Lag: s.Lag()}
}

// Run evaluates events as they come until ctx ends, and wakes when a
// group's notification falls due (its group_wait or group_interval ends)
// rather than on the next tick. On the way out it saves its position.
func (s *Service) Run(ctx context.Context) {
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	defer func() {
		s.drain.Lock()
		defer s.drain.Unlock()
		if err := s.save(context.WithoutCancel(ctx), true); err != nil {
			s.log.Error("save alert position", "err", err)
		}
	}()
	pace := time.NewTimer(0)
	defer pace.Stop()
	for {
		if err := s.Drain(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("evaluate events", "err", err)
		}
		pace.Reset(s.opts.Pace)
		wake.Reset(s.untilDue())
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
			// let the events of the next Pace gather into one page
			select {
			case <-ctx.Done():
				return
			case <-pace.C:
			}
		case <-wake.C:
			// held "updated" changes and notifications fall due with the clock
			if err := s.Tick(ctx); err != nil {
				s.log.Error("alerts tick", "err", err)
			}
			if err := s.Flush(ctx); err != nil {
				s.log.Error("alert notifications", "err", err)
			}
		}
	}
}

// Drain evaluates everything waiting: the queue, and what was left out of
// it, read back from the timeline by seq a page at a time.
func (s *Service) Drain(ctx context.Context) error {
	s.drain.Lock()
	defer s.drain.Unlock()
	for ctx.Err() == nil {
		s.qmu.Lock()
		q, back, want := s.queue, s.readBack, s.want
		s.queue, s.readBack = nil, false
		s.qmu.Unlock()
		for len(q) > 0 {
			n := min(len(q), s.opts.PageSize)
			s.evaluate(ctx, q[:n])
			q = q[n:]
		}
		if !back {
			return s.save(ctx, false)
		}
		if err := s.catchUp(ctx, want); err != nil {
			// read it back on the next wake
			s.qmu.Lock()
			s.readBack = true
			s.qmu.Unlock()
			return err
		}
	}
	return ctx.Err()
}

// catchUp reads back from the timeline everything after the position, at
// least up to want, and evaluates it.
func (s *Service) catchUp(ctx context.Context, want int64) error {
	for {
		p := s.pos.Load()
		evs, err := s.opts.Timeline.AlertEventsAfter(ctx, p.Seq, s.opts.PageSize)
		if err != nil {
			return fmt.Errorf("read back alert events: %w", err)
		}
		s.read.Add(int64(len(evs)))
		s.evaluate(ctx, evs)
		if len(evs) < s.opts.PageSize {
			// everything committed is evaluated: seqs up to want that were
			// not for alerts are passed too
			if p := s.pos.Load(); p.Seq < want {
				s.pos.Store(&position{AlertCursor: watch.AlertCursor{Seq: want, HitID: p.HitID}, At: p.At})
			}
			return nil
		}
		if err := s.save(ctx, false); err != nil {
			return err
		}
	}
}

// evaluate hands events, oldest first, to the engine and records what
// changes; events at or before the position are skipped. A page's hits
// are evaluated together.
func (s *Service) evaluate(ctx context.Context, evs []watch.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := *s.pos.Load()
	var hits []Hit
	flush := func() {
		if len(hits) == 0 {
			return
		}
		if err := s.record(ctx, s.eng.ObserveHits(hits), nil); err != nil {
			s.log.Error("record alert changes", "err", err)
		}
		hits = hits[:0]
	}
	for _, ev := range evs {
		if ev.Seq <= p.Seq {
			continue
		}
		p.Seq, p.At = ev.Seq, ev.At
		s.observed.Add(1)
		if ev.Type == watch.EventHit {
			var v watch.HitView
			if err := json.Unmarshal(ev.Data, &v); err != nil {
				s.log.Error("decode hit event", "seq", ev.Seq, "err", err)
				continue
			}
			hits = append(hits, s.hit(v))
			p.HitID = max(p.HitID, v.ID)
			continue
		}
		flush()
		if err := s.handle(ctx, ev); err != nil {
			s.log.Error("evaluate event", "seq", ev.Seq, "err", err)
		}
	}
	flush()
	s.pos.Store(&p)
}

// save keeps the position in the timeline's store, at most once every
// SaveEvery unless now.
func (s *Service) save(ctx context.Context, now bool) error {
	if s.opts.Timeline == nil {
		return nil
	}
	c := s.pos.Load().AlertCursor
	if c == s.saved || (!now && s.eng.now().Sub(s.savedAt) < s.opts.SaveEvery) {
		return nil
	}
	if err := s.opts.Timeline.SetAlertCursor(ctx, c); err != nil {
		return fmt.Errorf("save alert position: %w", err)
	}
	s.saved, s.savedAt = c, s.eng.now()
	return nil
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
	return s.handle(ctx, ev)
}

func (s *Service) handle(ctx context.Context, ev watch.Event) error {
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

// Tick re-evaluates with the clock (windows, For, silences, repeats) and
// with how far evaluation is behind the timeline (evaluation_lag rules).
func (s *Service) Tick(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// measured under the lock, so not in the middle of a page
	s.eng.SetLag(s.Lag())
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
