package referrals

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

// Check re-checks every pending referral's URL once (the schedule's job)
// and records what each check saw. It returns how many were checked.
func (s *Service) Check(ctx context.Context) (int, error) {
	if s.opts.Fetcher == nil {
		return 0, nil
	}
	rs, err := s.opts.Store.PendingReferrals(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		if _, err := s.CheckOne(ctx, r); err != nil {
			s.log.Error("removal check", "referral", r.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// CheckOne fetches the referred URL (a plain GET through the fetcher: its
// guard, per-host limits, caps and timeouts apply) and records the
// observation beside the referral's outcome.
func (s *Service) CheckOne(ctx context.Context, r watch.Referral) (watch.ReferralObservation, error) {
	o := s.observe(ctx, r)
	o.ReferralID, o.At = r.ID, s.now()
	_, err := s.opts.Store.AddReferralObservation(ctx, o)
	return o, err
}

func (s *Service) observe(ctx context.Context, r watch.Referral) watch.ReferralObservation {
	resp, err := s.opts.Fetcher.Get(ctx, fetch.Request{URL: r.URL})
	if err != nil {
		var fe *fetch.Error
		if errors.As(err, &fe) && (fe.Status == http.StatusNotFound || fe.Status == http.StatusGone) {
			return watch.ReferralObservation{Observed: watch.ObservedGone, Status: fe.Status}
		}
		class := string(fetch.ClassOf(err))
		if class == "" {
			class = "error"
		}
		o := watch.ReferralObservation{Observed: watch.ObservedUnknown, Detail: class}
		if fe != nil {
			o.Status = fe.Status
		}
		return o
	}
	body := bytes.ToLower(resp.Body)
	for _, m := range s.platforms[r.Platform].Unavailable {
		if m != "" && bytes.Contains(body, bytes.ToLower([]byte(m))) {
			return watch.ReferralObservation{Observed: watch.ObservedUnavailable, Status: resp.Status, Detail: m}
		}
	}
	return watch.ReferralObservation{Observed: watch.ObservedUp, Status: resp.Status}
}
