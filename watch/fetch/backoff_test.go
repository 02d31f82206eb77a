package fetch_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/fetch"
)

func TestBackoffNext(t *testing.T) {
	tests := []struct {
		failures   int
		retryAfter time.Duration
		jitter     float64
		want       time.Duration
	}{
		{0, 0, 0.5, 0},
		{-3, 0, 0.5, 0},
		{0, 30 * time.Second, 0.5, 30 * time.Second},
		{1, 0, 0, 500 * time.Millisecond}, // equal jitter: never below half
		{1, 0, 0.5, 750 * time.Millisecond},
		{1, 0, 1, time.Second},
		{2, 0, 0, time.Second},
		{3, 0, 1, 4 * time.Second},
		{7, 0, 0, 30 * time.Second}, // 64 s capped at the minute
		{7, 0, 1, time.Minute},
		{1000, 0, 1, time.Minute}, // no overflow
		{math.MaxInt, 0, 0, 30 * time.Second},
		{3, 3 * time.Second, 0, 3 * time.Second}, // Retry-After above the jittered wait
		{1, 2 * time.Minute, 1, 2 * time.Minute}, // and above Max
		{3, time.Second, 1, 4 * time.Second},     // below: the backoff stands
		{1, 0, -1, 500 * time.Millisecond},       // a broken jitter source is clamped
		{1, 0, 7, time.Second},
		{1, 0, math.NaN(), 500 * time.Millisecond},
		{2, -time.Second, 0.5, 1500 * time.Millisecond}, // a negative Retry-After is ignored
		{1, 24 * time.Hour, 0.5, 24 * time.Hour},        // the longest Retry-After fetch reports
		{5, 0, 0.25, 8*time.Second + 2*time.Second},     // 16 s: 8 s + a quarter of 8 s
		{6, 0, 0.75, 16*time.Second + 12*time.Second},   // 32 s: 16 s + three quarters of 16 s
		{4, 10 * time.Second, 0.1, 10 * time.Second},    // 8 s jittered to 4.4 s, Retry-After wins
		{4, 0, 0.999, 4*time.Second + 3996*time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_%s_%v", tt.failures, tt.retryAfter, tt.jitter), func(t *testing.T) {
			b := fetch.Backoff{Base: time.Second, Max: time.Minute, Jitter: func() float64 { return tt.jitter }}
			if got := b.Next(tt.failures, tt.retryAfter); got != tt.want {
				t.Fatalf("Next(%d, %s) = %s, want %s", tt.failures, tt.retryAfter, got, tt.want)
			}
		})
	}
}

func TestBackoffDefaults(t *testing.T) {
	low := func() float64 { return 0 }
	tests := []struct {
		name string
		b    fetch.Backoff
		n    int
		want time.Duration
	}{
		{"zero base", fetch.Backoff{Jitter: low}, 1, fetch.DefaultBackoffBase / 2},
		{"zero max", fetch.Backoff{Jitter: low}, 100, fetch.DefaultBackoffMax / 2},
		{"max below base", fetch.Backoff{Base: time.Minute, Max: time.Second, Jitter: low}, 5, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.b.Next(tt.n, 0); got != tt.want {
				t.Fatalf("Next(%d) = %s, want %s", tt.n, got, tt.want)
			}
		})
	}

	// Without a Jitter func the wait is random within its band.
	b := fetch.Backoff{Base: time.Second, Max: time.Minute}
	seen := map[time.Duration]bool{}
	for range 200 {
		d := b.Next(3, 0)
		if d < 2*time.Second || d > 4*time.Second {
			t.Fatalf("Next(3) = %s, want within [2s, 4s]", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("%d distinct waits in 200 draws: not jittered", len(seen))
	}
}

func TestJitter(t *testing.T) {
	tests := []struct {
		period time.Duration
		max    time.Duration // exclusive
	}{
		{time.Minute, time.Minute},
		{time.Hour, fetch.MaxScheduleJitter},
		{24 * time.Hour, fetch.MaxScheduleJitter},
		{5 * time.Second, 5 * time.Second},
		{time.Nanosecond, time.Nanosecond},
	}
	for _, tt := range tests {
		t.Run(tt.period.String(), func(t *testing.T) {
			const keys, buckets = 2000, 10
			var count [buckets]int
			for i := range keys {
				key := fmt.Sprintf("source-%d", i)
				d := fetch.Jitter(tt.period, key)
				if d < 0 || d >= tt.max {
					t.Fatalf("Jitter(%s, %q) = %s, want within [0, %s)", tt.period, key, d, tt.max)
				}
				if again := fetch.Jitter(tt.period, key); again != d {
					t.Fatalf("Jitter(%s, %q) = %s then %s, want it fixed", tt.period, key, d, again)
				}
				count[int(d*buckets/tt.max)]++
			}
			if tt.max < buckets {
				return // too small a span to spread over
			}
			// Spread evenly: each tenth of the span gets about 200 keys.
			for i, n := range count {
				if n < 140 || n > 260 {
					t.Errorf("tenth %d of the span got %d of %d keys: %v", i, n, keys, count)
				}
			}
		})
	}
	for _, p := range []time.Duration{0, -time.Minute} {
		if d := fetch.Jitter(p, "x"); d != 0 {
			t.Errorf("Jitter(%s) = %s, want 0", p, d)
		}
	}
}
