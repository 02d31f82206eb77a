package alerts

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/match"
)

// Saved is what the engine needs back after a restart: the alerts kept in
// the store (open ones, and ones resolved within the horizon), the hits of
// the horizon and each source's last health.
type Saved struct {
	Alerts  []Alert
	Hits    []Hit
	Sources []SourceStatus
}

// Horizon is how far back the rules look (the longest Window plus
// Baseline): the hits to give Restore.
func (e *Engine) Horizon() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.horizon
}

// Restore takes back the state kept before a restart, before anything is
// observed. Open alerts keep their state, start, acknowledgement, assignee
// and last notification (so repeats count from it); an alert whose rule
// is no longer in the config, or whose operation no longer exists, is
// resolved now with the reason, and those resolutions are returned. The
// hits fill the rules' windows again, so an alert resolves only when its
// condition no longer holds on the evidence, not because memory was empty;
// the next Tick evaluates as usual. An alert resolved by hand within the
// horizon keeps its evidence from counting again. Nothing is evaluated or
// notified here.
func (e *Engine) Restore(s Saved) []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	// a new_author alert's evidence is the hits that first showed its
	// author on the operation
	newFor := map[int64]map[string]bool{}
	for i := range s.Alerts {
		a := &s.Alerts[i]
		if a.State == StateResolved || a.Kind != KindNewAuthor || a.Operation == "" {
			continue
		}
		for _, id := range a.Evidence {
			if newFor[id] == nil {
				newFor[id] = map[string]bool{}
			}
			newFor[id][a.Operation] = true
		}
	}
	// a resolution by hand silences the evidence before it, so it is in
	// force before the hits are counted
	for i := range s.Alerts {
		a := &s.Alerts[i]
		if a.Fingerprint != "" && a.State == StateResolved && a.ResolvedBy != "system" && a.ResolvedAt.After(e.quiet[a.Fingerprint]) {
			e.quiet[a.Fingerprint] = a.ResolvedAt
		}
	}
	hits := slices.Clone(s.Hits)
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].At.Before(hits[j].At) })
	seen := e.maxID // hits counted before (a second restore) are not counted again
	for _, h := range hits {
		if h.ID != 0 && h.ID <= seen {
			continue
		}
		nf := newFor[h.ID]
		if nf == nil {
			nf = map[string]bool{}
		}
		e.count(h, nf)
	}
	for _, src := range s.Sources {
		if old, ok := e.sources[src.Source]; !ok || old.At.Before(src.At) {
			e.sources[src.Source] = src
		}
	}
	var changes []Change
	var gone []Alert // resolved now: their groups say so
	fps := make([]int, len(s.Alerts))
	for i := range fps {
		fps[i] = i
	}
	sort.SliceStable(fps, func(i, j int) bool { return s.Alerts[fps[i]].Fingerprint < s.Alerts[fps[j]].Fingerprint })
	for _, i := range fps {
		a := s.Alerts[i].Clone()
		if a.Fingerprint == "" {
			continue
		}
		if a.State == StateResolved {
			continue
		}
		if _, open := e.alerts[a.Fingerprint]; open {
			continue
		}
		reason := ""
		if !e.hasRule(a.RuleID) {
			reason = fmt.Sprintf("rule %q is no longer in the config", a.RuleID)
		} else if _, ok := e.ops[a.Operation]; a.Operation != "" && !ok {
			reason = fmt.Sprintf("operation %q no longer exists", a.Operation)
		}
		if reason != "" {
			a.State, a.ResolvedAt, a.ResolvedBy, a.Reason = StateResolved, now, "system", reason
			changes = append(changes, Change{Alert: a.Clone(), Event: "resolved"})
			if !e.silenced(&a, now) {
				gone = append(gone, a.Clone())
			}
			continue
		}
		e.alerts[a.Fingerprint] = &a
	}
	e.restoreGroups(gone)
	return changes
}

func (e *Engine) hasRule(id string) bool {
	for i := range e.rules {
		if e.rules[i].ID == id {
			return true
		}
	}
	return false
}

// placeDate returns the operations whose place or date terms a hit names
// in an alerting phase. Called with the lock held.
func (e *Engine) placeDate(h Hit) map[string]bool {
	out := map[string]bool{}
	for _, opID := range h.Operations {
		st, ok := e.ops[opID]
		if !ok || st.terms == nil {
			continue
		}
		switch st.op.PhaseAt(h.At) {
		case watch.PhaseBefore, watch.PhaseImminent, watch.PhaseLive:
			if len(st.terms.Match(match.Doc{Title: h.Title, Text: h.Text})) > 0 {
				out[opID] = true
			}
		}
	}
	return out
}

// Restore gives the engine back the alerts, hits and source health kept in
// the store before a restart (see Engine.Restore); call it before Run and
// before any event is observed. Alerts resolved because their rule or
// operation is gone are recorded and audited.
func (s *Service) Restore(ctx context.Context, alerts []Alert, hits []watch.HitView, health []watch.SourceHealth) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	saved := Saved{Alerts: alerts, Hits: make([]Hit, len(hits))}
	for i, v := range hits {
		saved.Hits[i] = s.hit(v)
	}
	for _, h := range health {
		if h.Failures > 0 {
			saved.Sources = append(saved.Sources, SourceStatus{Source: h.SourceID, At: h.LastErrorAt, Failures: h.Failures, Message: h.LastError})
		}
	}
	for _, c := range s.eng.Restore(saved) {
		audit := &watch.AuditEntry{Actor: "system", Action: "alert_resolve", Target: "alert:" + c.Alert.Fingerprint, Detail: c.Alert.Reason}
		if err := s.record(ctx, []Change{c}, audit); err != nil {
			return err
		}
	}
	open := s.eng.Open()
	s.log.Info("alerts restored", "open", len(open), "hits", len(hits))
	return nil
}
