package referrals

import (
	"context"
	"slices"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// StillUpAfter is how long after a referral content still served counts
// as "still up".
const StillUpAfter = 7 * 24 * time.Hour

// Figures are one platform's results over a set of referrals.
type Figures struct {
	Platform string `json:"platform"`
	Name     string `json:"name"`
	// Referrals made; Removed of them with the outcome "removed".
	Referrals, Removed int
	// RemovalRate is Removed / Referrals (0 with no referrals).
	RemovalRate float64
	// MedianToRemoval is the median time from referral to the outcome
	// "removed" being recorded; HasMedian is false when none was removed.
	MedianToRemoval time.Duration
	HasMedian       bool
	// StillUp counts referrals whose first removal check at least
	// StillUpAfter after the referral found the content still up;
	// Checked counts the referrals that had such a check.
	StillUp, Checked int
}

// Ledger is the referrals a filter lets through and their figures.
type Ledger struct {
	Referrals []watch.Referral
	Figures   []Figures // one per platform with referrals, in the config's order
}

// Ledger returns the referrals the filter lets through and the figures of
// each platform over them.
func (s *Service) Ledger(ctx context.Context, f watch.ReferralFilter) (Ledger, error) {
	rs, err := s.opts.Store.Referrals(ctx, f)
	if err != nil {
		return Ledger{}, err
	}
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	obs, err := s.opts.Store.ReferralObservations(ctx, ids)
	if err != nil {
		return Ledger{}, err
	}
	return Ledger{Referrals: rs, Figures: Compute(s.Platforms(), rs, obs)}, nil
}

// Compute works out each platform's figures (platforms without referrals
// are left out; referrals to a platform no longer configured come last,
// under their id).
func Compute(platforms []Platform, rs []watch.Referral, obs map[int64][]watch.ReferralObservation) []Figures {
	by := map[string][]watch.Referral{}
	for _, r := range rs {
		by[r.Platform] = append(by[r.Platform], r)
	}
	var order []Platform
	known := map[string]bool{}
	for _, p := range platforms {
		order = append(order, p)
		known[p.ID] = true
	}
	var extra []string
	for id := range by {
		if !known[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		order = append(order, Platform{ID: id, Name: id})
	}
	var out []Figures
	for _, p := range order {
		list := by[p.ID]
		if len(list) == 0 {
			continue
		}
		f := Figures{Platform: p.ID, Name: p.Name, Referrals: len(list)}
		var times []time.Duration
		for _, r := range list {
			if r.Outcome == watch.OutcomeRemoved {
				f.Removed++
				times = append(times, r.OutcomeAt.Sub(r.At))
			}
			for _, o := range obs[r.ID] {
				if o.At.Sub(r.At) >= StillUpAfter {
					f.Checked++
					if o.Observed == watch.ObservedUp {
						f.StillUp++
					}
					break
				}
			}
		}
		f.RemovalRate = float64(f.Removed) / float64(f.Referrals)
		if len(times) > 0 {
			f.MedianToRemoval, f.HasMedian = median(times), true
		}
		out = append(out, f)
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
