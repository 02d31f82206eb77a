package schedule

import (
	"hash/fnv"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/watchroom/watchroom/watch"
)

// MaxSpread bounds how far a source's runs are moved: a daily source is
// spread over ten minutes, not over the day.
const MaxSpread = 10 * time.Minute

// Spread gives every source an offset into its interval so that sources on
// one host do not fire together, and a fleet of sources on one cadence does
// not fire all at one second. It is deterministic: the same sources always
// get the same offsets, whatever their order.
//
// The sources of one host (the URL's host name; a source without one is a
// host of its own) are ranked by a hash of their id and given evenly spaced
// slots of their interval (at most MaxSpread); a hash of the host name
// shifts the whole group within the first slot, so hosts differ too. Two
// sources of one host on the same schedule therefore never share a fire
// time. Sources whose spec cannot be read get no offset.
func Spread(srcs []watch.Source) map[string]time.Duration {
	groups := map[string][]watch.Source{}
	for _, s := range srcs {
		h := hostOf(s)
		groups[h] = append(groups[h], s)
	}
	out := make(map[string]time.Duration, len(srcs))
	for host, g := range groups {
		slices.SortFunc(g, func(a, b watch.Source) int {
			if ha, hb := hash64(a.ID), hash64(b.ID); ha != hb {
				if ha < hb {
					return -1
				}
				return 1
			}
			return strings.Compare(a.ID, b.ID)
		})
		phase := float64(hash64("host:"+host)%1_000_000) / 1_000_000
		for i, s := range g {
			window := spreadWindow(s.Schedule)
			if window <= 0 {
				continue
			}
			slot := (float64(i) + phase) / float64(len(g))
			out[s.ID] = time.Duration(slot * float64(window))
		}
	}
	return out
}

// hostOf is the host a source is fetched from, as the fetcher's per-host
// gate names it.
func hostOf(s watch.Source) string {
	u, err := url.Parse(s.URL)
	if err != nil || u.Hostname() == "" {
		return "source:" + s.ID
	}
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// spreadWindow is the spec's interval, at most MaxSpread; 0 when the spec
// cannot be read.
func spreadWindow(spec string) time.Duration {
	sched, err := parser.Parse(spec)
	if err != nil {
		return 0
	}
	return min(interval(sched), MaxSpread)
}

// interval is the time between two runs of sched: exact for @every, and
// measured from a fixed instant for cron specs (whose gaps may vary; the
// first gap is used).
func interval(sched cron.Schedule) time.Duration {
	if c, ok := sched.(cron.ConstantDelaySchedule); ok {
		return c.Delay
	}
	ref := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday
	n1 := sched.Next(ref)
	if n1.IsZero() {
		return 0
	}
	return sched.Next(n1).Sub(n1)
}

// offsetSchedule runs base's schedule moved later by off. An @every
// schedule counts from the previous run, so moving it would move nothing:
// it is first pinned to multiples of its interval (from the zero time),
// which keeps the cadence and makes the offset stick.
type offsetSchedule struct {
	base cron.Schedule
	off  time.Duration
}

func newOffsetSchedule(base cron.Schedule, off time.Duration) cron.Schedule {
	if c, ok := base.(cron.ConstantDelaySchedule); ok {
		base = alignedEvery{c.Delay}
	}
	return offsetSchedule{base: base, off: off}
}

func (o offsetSchedule) Next(t time.Time) time.Time {
	n := o.base.Next(t.Add(-o.off))
	if n.IsZero() {
		return n
	}
	return n.Add(o.off)
}

// alignedEvery runs at every multiple of d.
type alignedEvery struct{ d time.Duration }

func (a alignedEvery) Next(t time.Time) time.Time { return t.Truncate(a.d).Add(a.d) }
