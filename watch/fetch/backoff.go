package fetch

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"time"
)

// Backoff defaults for zero fields.
const (
	DefaultBackoffBase = 30 * time.Second
	DefaultBackoffMax  = 6 * time.Hour
)

// MaxScheduleJitter bounds what Jitter adds to a run: enough to spread the
// sources of one host over a few minutes, small enough that "every day at
// 08:00" still means about 08:00.
const MaxScheduleJitter = 5 * time.Minute

// Backoff says how long a failing source should wait before its next poll.
//
// How a scheduler uses Backoff and Jitter:
//
//   - A healthy source runs at each time its schedule gives, plus
//     Jitter(period, sourceID), so sources of one host do not all fire on
//     the same second (the per-host cap would otherwise queue them up and
//     the rate limit would spread them anyway, but late).
//   - After its n-th consecutive failure (n counts from 1 and is reset by a
//     success; a caller's cancellation is not a failure) it runs next at
//     the later of its next scheduled time and failedAt + Next(n, ra), where
//     ra is the failure's Error.RetryAfter (set on 429 and 503, else 0).
//     The source is "backing off" until then.
//   - Classes that waiting will not heal (bad_url, refused, blocked) still
//     back off, up to Max, rather than being polled on schedule; showing
//     the class to a person is what fixes them.
type Backoff struct {
	Base time.Duration // wait after the first failure; 0 means DefaultBackoffBase
	Max  time.Duration // cap on the exponential part; 0 means DefaultBackoffMax
	// Jitter returns a number in [0, 1); nil means math/rand/v2's Float64.
	// Tests set it to get exact answers.
	Jitter func() float64
}

// Next returns the wait after the given number of consecutive failures:
// Base doubled per failure up to Max, with "equal jitter" (a random point in
// the upper half), and never less than retryAfter. Equal rather than full
// jitter keeps a floor, so a failing host is not retried at once by chance.
// It returns 0 when failures < 1.
func (b Backoff) Next(failures int, retryAfter time.Duration) time.Duration {
	if failures < 1 {
		return max(retryAfter, 0)
	}
	base, ceil := b.Base, b.Max
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if ceil <= 0 {
		ceil = DefaultBackoffMax
	}
	ceil = max(ceil, base)
	d := base
	for i := 1; i < failures && d < ceil; i++ {
		d *= 2 // doubling stops at the cap, so it cannot overflow
	}
	d = min(d, ceil)
	j := rand.Float64
	if b.Jitter != nil {
		j = b.Jitter
	}
	f := j()
	if math.IsNaN(f) || f < 0 {
		f = 0
	}
	f = min(f, 1)
	half := d / 2
	d = half + time.Duration(f*float64(d-half))
	return max(d, retryAfter)
}

// Jitter returns a fixed offset in [0, min(period, MaxScheduleJitter)) for
// key (a source ID). It is the same on every run and every restart, so a
// source keeps its rhythm, while different keys spread evenly. Zero when
// period <= 0.
func Jitter(period time.Duration, key string) time.Duration {
	span := min(period, MaxScheduleJitter)
	if span <= 0 {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return time.Duration(h.Sum64() % uint64(span))
}
