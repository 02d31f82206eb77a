package app

import (
	"context"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/referrals"
)

// newReferrals builds the referral ledger from the config's platforms;
// its removal checks go through the console's fetcher.
func (a *App) newReferrals(f *config.File, fetcher referrals.Fetcher) (*referrals.Service, error) {
	var ps []referrals.Platform
	for _, p := range f.Referrals.Platforms {
		ps = append(ps, referrals.Platform{ID: p.ID, Name: p.Name, Channel: p.Channel, Categories: p.Categories,
			ChaseDays: p.ChaseDays, Unavailable: p.Unavailable, Hosts: p.Hosts})
	}
	return referrals.New(referrals.Options{Store: a.store, Fetcher: fetcher, Platforms: ps,
		RequireCapture: f.Referrals.RequireCapture, Now: a.now, Logger: a.log})
}

// checkReferrals is the schedule's removal-check job.
func (a *App) checkReferrals(ctx context.Context) {
	if n, err := a.referrals.Check(ctx); err != nil {
		a.log.Error("referral removal checks", "checked", n, "err", err)
	}
}

// referralChaser is the rule that chases referrals when the config names
// no referral_overdue rule of its own.
var referralChaser = alerts.Rule{ID: "referral_chaser", Name: "Referral not answered by the platform", Kind: alerts.KindReferralOverdue}

func withReferralChaser(rules []alerts.Rule) []alerts.Rule {
	for _, r := range rules {
		if r.Kind == alerts.KindReferralOverdue {
			return rules
		}
	}
	return append(rules, referralChaser)
}
