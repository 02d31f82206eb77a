package watch

import "time"

// SilenceState is derived from the clock, never stored.
type SilenceState string

const (
	SilencePending SilenceState = "pending"
	SilenceActive  SilenceState = "active"
	SilenceExpired SilenceState = "expired"
)

// Silence mutes notifications of the alerts it matches between Start and
// End. Matchers are exact: keys "rule", "operation", "kind", "source",
// "author". The store keeps the silences made in the console and the
// config's silences expired early.
type Silence struct {
	ID       string            `json:"id"`
	Origin   string            `json:"origin"` // "config" or "web"
	Matchers map[string]string `json:"matchers"`
	Start    time.Time         `json:"start"`
	End      time.Time         `json:"end"`
	Reason   string            `json:"reason"`
	Author   string            `json:"author"`
}

// StateAt returns the silence's state at t.
func (s Silence) StateAt(t time.Time) SilenceState {
	switch {
	case t.Before(s.Start):
		return SilencePending
	case t.Before(s.End):
		return SilenceActive
	default:
		return SilenceExpired
	}
}

// Matches reports whether every matcher agrees with the alert's labels.
func (s Silence) Matches(a *Alert) bool {
	if len(s.Matchers) == 0 {
		return false // an empty silence would mute everything: refuse it
	}
	for k, v := range s.Matchers {
		if a.Labels[k] != v {
			return false
		}
	}
	return true
}
