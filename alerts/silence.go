package alerts

import (
	"fmt"
	"sort"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// SilenceState is derived from the clock, never stored.
type SilenceState = watch.SilenceState

const (
	SilencePending = watch.SilencePending
	SilenceActive  = watch.SilenceActive
	SilenceExpired = watch.SilenceExpired
)

// Silence mutes notifications of the alerts it matches between Start and
// End (its state and matching are watch.Silence's); declared in watch,
// since the store keeps it.
type Silence = watch.Silence

// SilenceMatcherKeys are the labels a silence may match on.
var SilenceMatcherKeys = []string{"rule", "operation", "kind", "source", "author"}

// validateSilence reports what is wrong with a silence.
func validateSilence(s Silence) error {
	if s.ID == "" {
		return fmt.Errorf("a silence needs an id: %w", ErrBadRule)
	}
	if len(s.Matchers) == 0 {
		return fmt.Errorf("a silence needs at least one matcher: %w", ErrBadRule)
	}
	for k, v := range s.Matchers {
		if !contains(SilenceMatcherKeys, k) {
			return fmt.Errorf("a silence cannot match on %q (only rule, operation, kind, source, author): %w", k, ErrBadRule)
		}
		if v == "" {
			return fmt.Errorf("the silence's %s matcher is empty: %w", k, ErrBadRule)
		}
	}
	if !s.End.After(s.Start) {
		return fmt.Errorf("a silence must end after it starts: %w", ErrBadRule)
	}
	return nil
}

// SilenceView is a silence with its state at the time of asking.
type SilenceView struct {
	Silence
	State SilenceState
}

// SilenceList returns every silence with its state now, active first,
// then pending, then expired, each newest first.
func (e *Engine) SilenceList() []SilenceView {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	out := make([]SilenceView, 0, len(e.silences))
	for _, s := range e.silences {
		out = append(out, SilenceView{Silence: s, State: s.StateAt(now)})
	}
	rank := map[SilenceState]int{SilenceActive: 0, SilencePending: 1, SilenceExpired: 2}
	sort.Slice(out, func(i, j int) bool {
		if rank[out[i].State] != rank[out[j].State] {
			return rank[out[i].State] < rank[out[j].State]
		}
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.After(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// ExpireSilence ends a silence now (a pending one never starts); the
// alerts it muted are notified again when due.
func (e *Engine) ExpireSilence(id string) (Silence, []Change, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, ok := e.silences[id]
	now := e.now()
	if !ok || s.StateAt(now) == SilenceExpired {
		return s, nil, fmt.Errorf("silence %q: %w", id, ErrNoSilence)
	}
	if now.Before(s.Start) {
		s.Start = now
	}
	s.End = now
	e.silences[id] = s
	return s, e.evaluate(), nil
}

// RestoreSilence puts back a silence kept from before (the config's, or
// the store's): one expired early may end when it started.
func (e *Engine) RestoreSilence(s Silence) error {
	if s.End.Equal(s.Start) {
		s.Start = s.End.Add(-time.Nanosecond) // expired from its end all the same
	}
	_, err := e.AddSilence(s)
	return err
}
