package ui

import (
	"strings"
	"sync"
	"time"
)

// signInThrottle slows guessing without locking anyone out. Only failed
// sign-ins count, and only against the pair of name and client address
// they came from: a control room behind one address signs in as often
// as it likes, and a name that someone elsewhere is guessing at still
// signs in from a desk that typed it right. After freeFailures failures
// in a row, each further try of the pair must wait twice as long as the
// last, up to maxDelay; a success clears the pair.
type signInThrottle struct {
	mu    sync.Mutex
	now   func() time.Time
	pairs map[string]*failures
}

type failures struct {
	n    int
	last time.Time
}

const (
	freeFailures  = 5
	firstDelay    = 2 * time.Second
	maxDelay      = 15 * time.Minute
	forgetFailure = 24 * time.Hour // a pair with no failure for this long starts again
	maxPairs      = 100000
)

func newSignInThrottle(now func() time.Time) *signInThrottle {
	return &signInThrottle{now: now, pairs: map[string]*failures{}}
}

func pairKey(name, addr string) string { return strings.ToLower(name) + "\x00" + addr }

// delay is how long the pair must still wait before its next try.
func delay(n int) time.Duration {
	if n < freeFailures {
		return 0
	}
	d := firstDelay
	for i := freeFailures; i < n && d < maxDelay; i++ {
		d *= 2
	}
	return min(d, maxDelay)
}

// wait returns how long name from addr must wait before it may try; 0:
// now.
func (l *signInThrottle) wait(name, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	f, ok := l.pairs[pairKey(name, addr)]
	if !ok {
		return 0
	}
	return max(0, f.last.Add(delay(f.n)).Sub(l.now()))
}

// fail records a failed sign-in of name from addr.
func (l *signInThrottle) fail(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	k := pairKey(name, addr)
	f, ok := l.pairs[k]
	if !ok || now.Sub(f.last) > forgetFailure {
		if len(l.pairs) >= maxPairs {
			l.prune(now)
		}
		f = &failures{}
		l.pairs[k] = f
	}
	f.n++
	f.last = now
}

// succeed clears the pair's failures.
func (l *signInThrottle) succeed(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.pairs, pairKey(name, addr))
}

// prune bounds memory under a flood of names: first the pairs long
// forgotten, then those not yet delayed (they hold back no one), and
// only as a last resort all.
func (l *signInThrottle) prune(now time.Time) {
	for k, f := range l.pairs {
		if now.Sub(f.last) > forgetFailure {
			delete(l.pairs, k)
		}
	}
	if len(l.pairs) >= maxPairs {
		for k, f := range l.pairs {
			if f.n < freeFailures {
				delete(l.pairs, k)
			}
		}
	}
	if len(l.pairs) >= maxPairs {
		l.pairs = map[string]*failures{}
	}
}
