package watch

import (
	"context"
	"errors"
)

// Record records items that reached watchroom without a poll (pushed to a
// webhook source, or captured by an analyst) through the same matcher and
// store as polled ones: found by the pipeline's clock, deduped by key,
// matched, stored with their hits and timeline events. On success the
// source's health says so, as after a poll; the report counts new items and
// hits. The items and the audit entry audit makes of the report (when audit
// is not nil) are written in one transaction: a push is kept with its audit
// entry or not at all. Record on one source waits for no poll: pushed
// sources are not polled.
func (p *Pipeline) Record(ctx context.Context, src Source, items []Item, audit func(PollReport) AuditEntry) (PollReport, error) {
	start := p.now()
	rep := PollReport{Source: src.ID, Items: len(items), Pushed: true}
	defer func() { rep.Duration = p.now().Sub(start); p.onPoll(rep) }()
	h, err := p.rec.SourceHealth(ctx, src.ID)
	if err != nil {
		rep.Err = err
		return rep, err
	}
	if h.Paused {
		rep.Err = ErrPaused
		return rep, ErrPaused
	}
	if err := p.record(ctx, items, &rep, audit); err != nil {
		rep.Err = err
		return rep, err
	}
	now := p.now().UTC()
	h.State, h.LastSuccess, h.LastError, h.ErrorClass, h.Failures = "ok", now, "", "", 0
	err = errors.Join(p.rec.RecordPoll(ctx, src.ID, now, PollOK, rep.New), p.rec.SaveSourceHealth(ctx, h))
	rep.Err = err
	return rep, err
}
