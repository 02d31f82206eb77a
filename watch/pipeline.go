package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// ErrBusy is returned when a poll of the source is already running.
var ErrBusy = errors.New("a poll of this source is already running")

// ErrPaused is returned when the schedule reaches a paused source.
var ErrPaused = errors.New("the source is paused")

// ErrClosed is returned by Go once the pipeline is closed.
var ErrClosed = errors.New("the pipeline is closed")

// Poll outcomes as the poll log keeps them.
const (
	PollOK          = "ok"
	PollNotModified = "not_modified"
	PollError       = "error"
)

// PollResult is what one poll of a source brought back.
type PollResult struct {
	NotModified        bool
	Items              []Item
	ETag, LastModified string
	// Cursor is the newest position (item key) this poll reached, to keep
	// in SourceHealth.Cursor once the items are recorded; on a 304 it is
	// the previous one.
	Cursor string
}

// Poller fetches one source and parses what came back.
type Poller interface {
	Poll(ctx context.Context, src Source, prev SourceHealth) (PollResult, error)
}

// Recorder keeps what the pipeline finds.
type Recorder interface {
	// RecordItems records items with their hits in one transaction; when
	// audit is not nil, the entry it returns for what was recorded is
	// written in the same transaction (audit must not call the Recorder).
	RecordItems(ctx context.Context, fs []Finding, audit func([]Recorded) AuditEntry) ([]Recorded, error)
	SourceHealth(ctx context.Context, id string) (SourceHealth, error)
	SaveSourceHealth(ctx context.Context, h SourceHealth) error
	RecordPoll(ctx context.Context, source string, at time.Time, outcome string, newItems int) error
}

// PollReport describes one finished poll, for metrics and logs.
type PollReport struct {
	Source      string
	Duration    time.Duration
	Err         error
	NotModified bool
	Items, New  int
	Hits        int
	Pushed      bool // items pushed to a webhook source, not a poll
}

// Pipeline polls a source, dedupes, matches and records.
type Pipeline struct {
	poller  Poller
	match   *Matcher
	rec     Recorder
	log     *slog.Logger
	now     func() time.Time
	onPoll  func(PollReport)
	onItem  func(context.Context, Item, []HitView, bool)
	mu      sync.Mutex
	running map[string]bool

	// life ends when the pipeline closes; the polls Go starts run under it
	// and bg counts them, so Close can wait for every one.
	life   context.Context
	cancel context.CancelFunc
	bgMu   sync.Mutex
	closed bool // guarded by bgMu: no bg.Add after Close began
	bg     sync.WaitGroup
}

// PipelineOptions tune a Pipeline.
type PipelineOptions struct {
	Now    func() time.Time
	OnPoll func(PollReport) // optional
	// OnItem sees every item recorded (or seen before: isNew false), with
	// the hits it made; optional. Draft operations are proposed from it.
	OnItem func(ctx context.Context, it Item, hits []HitView, isNew bool)
}

// NewPipeline wires a pipeline.
func NewPipeline(p Poller, m *Matcher, r Recorder, logger *slog.Logger, opts PipelineOptions) *Pipeline {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.OnPoll == nil {
		opts.OnPoll = func(PollReport) {}
	}
	life, cancel := context.WithCancel(context.Background())
	return &Pipeline{poller: p, match: m, rec: r, log: logger.With("component", "pipeline"),
		now: opts.Now, onPoll: opts.OnPoll, onItem: opts.OnItem, running: map[string]bool{},
		life: life, cancel: cancel}
}

// Go polls a source in the background, owned by the pipeline: the poll
// ends when ctx ends or the pipeline closes, and Close waits for it. Its
// error is logged (ErrBusy quietly: a poll of the source is running).
// After Close it starts nothing and returns ErrClosed.
func (p *Pipeline) Go(ctx context.Context, src Source) error {
	p.bgMu.Lock()
	defer p.bgMu.Unlock()
	if p.closed {
		return ErrClosed
	}
	p.bg.Add(1)
	go func() {
		defer p.bg.Done()
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		stop := context.AfterFunc(p.life, cancel)
		defer stop()
		if err := p.Poll(ctx, src); err != nil && !errors.Is(err, ErrBusy) && ctx.Err() == nil {
			p.log.Debug("background poll", "source", src.ID, "err", err)
		}
	}()
	return nil
}

// Close cancels the polls started by Go and waits for them, or for ctx.
// Polls called directly (Poll, PollNow) belong to their callers.
func (p *Pipeline) Close(ctx context.Context) error {
	p.bgMu.Lock()
	p.closed = true
	p.bgMu.Unlock()
	p.cancel()
	done := make(chan struct{})
	go func() { p.bg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Pipeline) claim(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running[id] {
		return false
	}
	p.running[id] = true
	return true
}

func (p *Pipeline) release(id string) {
	p.mu.Lock()
	delete(p.running, id)
	p.mu.Unlock()
}

// Poll polls one source once. Two polls of one source never overlap: a
// second caller gets ErrBusy. A failure marks the source failing with the
// reason; the ETag and Last-Modified advance only once every item is
// recorded, so nothing is skipped after a failed write.
func (p *Pipeline) Poll(ctx context.Context, src Source) error { return p.poll(ctx, src, false) }

// PollNow polls a source at once, even a paused one (an analyst asked).
func (p *Pipeline) PollNow(ctx context.Context, src Source) error { return p.poll(ctx, src, true) }

// classOf finds an error's class anywhere in its chain.
func classOf(err error) string {
	var c interface{ ErrorClass() string }
	if errors.As(err, &c) {
		return c.ErrorClass()
	}
	return "internal"
}

func (p *Pipeline) poll(ctx context.Context, src Source, force bool) error {
	if !p.claim(src.ID) {
		return ErrBusy
	}
	defer p.release(src.ID)
	start := p.now()
	rep := PollReport{Source: src.ID}
	defer func() { rep.Duration = p.now().Sub(start); p.onPoll(rep) }()

	h, err := p.rec.SourceHealth(ctx, src.ID)
	if err != nil {
		rep.Err = err
		return err
	}
	if h.Paused && !force {
		rep.Err = ErrPaused
		return ErrPaused
	}
	res, err := p.poller.Poll(ctx, src, h)
	if err == nil {
		rep.NotModified, rep.Items = res.NotModified, len(res.Items)
		err = p.record(ctx, res.Items, &rep, nil)
	}
	now := p.now().UTC()
	if err != nil {
		rep.Err = err
		if ctx.Err() != nil {
			return err // shutting down: not the source's fault
		}
		h.State, h.LastError, h.LastErrorAt, h.ErrorClass = "failing", err.Error(), now, classOf(err)
		h.Failures++
		_ = p.rec.RecordPoll(ctx, src.ID, now, PollError, 0)
		p.log.Warn("poll failed", "source", src.ID, "err", err, "failures", h.Failures)
		if serr := p.rec.SaveSourceHealth(ctx, h); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	}
	h.State, h.LastSuccess, h.LastError, h.ErrorClass, h.Failures = "ok", now, "", "", 0
	outcome := PollOK
	if res.NotModified {
		outcome = PollNotModified
	}
	if err := p.rec.RecordPoll(ctx, src.ID, now, outcome, rep.New); err != nil {
		rep.Err = err
		return err
	}
	if !res.NotModified {
		h.ETag, h.LastModified = res.ETag, res.LastModified
	}
	if res.Cursor != "" {
		h.Cursor = res.Cursor
	}
	if err := p.rec.SaveSourceHealth(ctx, h); err != nil {
		rep.Err = err
		return err
	}
	return nil
}

// record matches a poll's or a push's items and records them in one
// transaction, with the audit entry audit makes of the report when audit
// is not nil.
func (p *Pipeline) record(ctx context.Context, items []Item, rep *PollReport, audit func(PollReport) AuditEntry) error {
	if len(items) == 0 && audit == nil {
		return nil
	}
	found := p.now().UTC()
	fs := make([]Finding, len(items))
	for i, it := range items {
		it.Found = found // the pipeline's clock says when an item was found
		fs[i] = Finding{Item: it, Hits: p.match.Match(it)}
	}
	var withAudit func([]Recorded) AuditEntry
	if audit != nil {
		withAudit = func(rs []Recorded) AuditEntry {
			r := *rep
			count(&r, rs)
			return audit(r)
		}
	}
	rs, err := p.rec.RecordItems(ctx, fs, withAudit)
	if err != nil {
		return fmt.Errorf("record items: %w", err)
	}
	count(rep, rs)
	if p.onItem != nil {
		for i, r := range rs {
			p.onItem(ctx, fs[i].Item, r.Hits, r.New)
		}
	}
	return nil
}

// count adds what was recorded to a report.
func count(rep *PollReport, rs []Recorded) {
	for _, r := range rs {
		if r.New {
			rep.New++
			rep.Hits += len(r.Hits)
		}
	}
}
