package alerts

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// GroupOptions say how alerts are grouped into notifications, as
// Alertmanager's route does: alerts with the same values of the By labels
// are one group, and a group is notified as one message.
type GroupOptions struct {
	// By are the labels that make a group (default operation and rule):
	// rule, kind, operation, author, source.
	By []string
	// Wait is how long a new group waits for more alerts before its first
	// notification; 0 notifies at once. New starts with DefaultGroupWait
	// (30s), and the config's default is the same.
	Wait time.Duration
	// Interval is the least time between two notifications of a group
	// whose alerts changed (default 5m).
	Interval time.Duration
	// Repeat is how often a group still firing unacknowledged, with no
	// change, is notified again (default 4h); a rule's own Repeat, when
	// set, shortens it for its alerts.
	Repeat time.Duration
}

// GroupLabels are the labels alerts may be grouped by.
var GroupLabels = []string{"rule", "kind", "operation", "author", "source"}

// Grouping defaults: a busy night stays readable.
const (
	DefaultGroupWait     = 30 * time.Second
	DefaultGroupInterval = 5 * time.Minute
	DefaultRepeat        = 4 * time.Hour
)

func (o *GroupOptions) defaults() {
	if len(o.By) == 0 {
		o.By = []string{"operation", "rule"}
	}
	if o.Interval <= 0 {
		o.Interval = DefaultGroupInterval
	}
	if o.Repeat <= 0 {
		o.Repeat = DefaultRepeat
	}
}

// Validate reports what is wrong with grouping options.
func (o GroupOptions) Validate() error {
	for _, l := range o.By {
		if !slices.Contains(GroupLabels, l) {
			return fmt.Errorf("group_by: unknown label %q (use %s): %w", l, strings.Join(GroupLabels, ", "), ErrBadRule)
		}
	}
	if o.Wait < 0 || o.Interval < 0 || o.Repeat < 0 {
		return fmt.Errorf("grouping durations must not be negative: %w", ErrBadRule)
	}
	return nil
}

// Notice is one notification of a group of alerts.
type Notice struct {
	Key    string            // the group: its labels, in order
	Labels map[string]string // the group's values of the group_by labels
	// Event: "firing" (the group's first notification), "changed" (alerts
	// joined or left it), "repeat" (no change; still firing and not
	// acknowledged) or "resolved" (every alert it had notified resolved).
	Event    string
	Severity string  // the highest of its firing alerts (of its resolved ones when none fire)
	Summary  string  // counted: "3 new authors: …", "3 high-severity hits, 2 authors …"
	Firing   []Alert // firing or acknowledged and not silenced, most severe first
	Resolved []Alert // notified before, resolved since the last notification
	At       time.Time
}

// group is a group's notification state. What is due is derived from the
// clock whenever asked (Flush, NextDue): nothing runs timers.
type group struct {
	labels   map[string]string
	created  time.Time       // when it first had an alert to notify
	sent     time.Time       // its last notification; zero: none yet
	notified map[string]bool // the firing set that notification carried
	resolved []Alert         // of those, resolved since
}

// SetGrouping sets how alerts are grouped into notifications (defaults for
// what is left zero).
func (e *Engine) SetGrouping(o GroupOptions) error {
	if err := o.Validate(); err != nil {
		return err
	}
	o.defaults()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.grouping = o
	return nil
}

// groupOf returns an alert's group key and labels.
func (e *Engine) groupOf(a *Alert) (string, map[string]string) {
	labels := make(map[string]string, len(e.grouping.By))
	parts := make([]string, len(e.grouping.By))
	for i, l := range e.grouping.By {
		v := a.Labels[l]
		if l == "operation" {
			v = a.Operation
		}
		labels[l] = v
		parts[i] = l + "=" + v
	}
	return strings.Join(parts, ","), labels
}

// left notes an alert leaving by resolution: a group that notified it
// says so in its next notification. Called with the lock held.
func (e *Engine) left(a *Alert) {
	if a.Silenced {
		return // a silenced alert is not notified, its resolution neither
	}
	key, _ := e.groupOf(a)
	if g := e.groups[key]; g != nil && g.notified[a.Fingerprint] {
		g.resolved = append(g.resolved, a.Clone())
	}
}

// active returns the alerts to notify by group: firing or acknowledged,
// not silenced. A group seen for the first time waits from its first
// alert's firing.
func (e *Engine) active(now time.Time) map[string][]*Alert {
	out := map[string][]*Alert{}
	for _, fp := range e.sortedOpen() {
		a := e.alerts[fp]
		if (a.State != StateFiring && a.State != StateAcknowledged) || a.Silenced {
			continue
		}
		key, labels := e.groupOf(a)
		out[key] = append(out[key], a)
		g := e.groups[key]
		if g == nil {
			g = &group{labels: labels, created: now, notified: map[string]bool{}}
			e.groups[key] = g
		}
		// the wait counts from the group's first firing
		if g.sent.IsZero() && !a.FiredAt.IsZero() && a.FiredAt.Before(g.created) {
			g.created = a.FiredAt
		}
	}
	return out
}

// due says what a group's next notification is and when it falls due;
// "" when none is to come.
func (e *Engine) due(g *group, as []*Alert) (string, time.Time) {
	changed := len(g.resolved) > 0 || len(as) != len(g.notified)
	for _, a := range as {
		if !g.notified[a.Fingerprint] {
			changed = true
		}
	}
	switch {
	case g.sent.IsZero():
		if len(as) == 0 {
			return "", time.Time{}
		}
		return "firing", g.created.Add(e.grouping.Wait)
	case changed && len(as) == 0 && len(g.resolved) > 0:
		return "resolved", g.sent.Add(e.grouping.Interval)
	case changed && len(as) > 0:
		return "changed", g.sent.Add(e.grouping.Interval)
	case !changed && len(as) > 0:
		repeat := e.grouping.Repeat
		firing := false
		for _, a := range as {
			if a.State == StateFiring {
				firing = true
				if r := e.rule(a.RuleID).Repeat; r > 0 && r < repeat {
					repeat = r
				}
			}
		}
		if !firing {
			return "", time.Time{} // acknowledged: somebody is on it
		}
		return "repeat", g.sent.Add(repeat)
	}
	return "", time.Time{}
}

// Flush returns the group notifications due now, and a "notified" change
// for every alert they carry (its LastNotified is now; the caller records
// them). Call it after every observation and tick.
func (e *Engine) Flush() ([]Notice, []Change) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	act := e.active(now)
	keys := make([]string, 0, len(e.groups))
	for k := range e.groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var notices []Notice
	var changes []Change
	for _, k := range keys {
		g, as := e.groups[k], act[k]
		event, at := e.due(g, as)
		if event == "" {
			if len(as) == 0 {
				// nothing left to say: alerts silenced, or resolved before
				// they were ever notified
				delete(e.groups, k)
			}
			continue
		}
		if now.Before(at) {
			continue
		}
		n := Notice{Key: k, Labels: g.labels, Event: event, At: now, Resolved: g.resolved}
		for _, a := range as {
			a.LastNotified = now
			n.Firing = append(n.Firing, a.Clone())
			changes = append(changes, Change{Alert: a.Clone(), Event: "notified", Notify: true})
		}
		n.Summary, n.Severity = noticeSummary(n.Firing, n.Resolved)
		notices = append(notices, n)
		g.sent, g.resolved, g.notified = now, nil, map[string]bool{}
		for _, a := range as {
			g.notified[a.Fingerprint] = true
		}
		if len(as) == 0 {
			delete(e.groups, k)
		}
	}
	return notices, changes
}

// NextDue returns when the next group notification, or a held "updated"
// change, falls due, if any is to come: the service wakes then rather than
// on the next tick.
func (e *Engine) NextDue() (time.Time, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	act := map[string][]*Alert{}
	for _, a := range e.alerts {
		if (a.State == StateFiring || a.State == StateAcknowledged) && !a.Silenced {
			key, _ := e.groupOf(a)
			act[key] = append(act[key], a)
		}
	}
	var next time.Time
	// an "updated" change held back falls due a moment after the last
	for fp := range e.heldBack {
		if at := e.shown[fp].Add(e.updateEvery); next.IsZero() || at.Before(next) {
			next = at
		}
	}
	for k, g := range e.groups {
		if event, at := e.due(g, act[k]); event != "" && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	for k := range act {
		if e.groups[k] == nil {
			return e.now(), true // a new group: Flush starts its wait
		}
	}
	return next, !next.IsZero()
}

// restoreGroups rebuilds the groups from alerts notified before a restart,
// so their repeats and changes count from the stored last notification.
// Called with the lock held.
func (e *Engine) restoreGroups(resolved []Alert) {
	for _, a := range e.alerts {
		if a.LastNotified.IsZero() {
			continue
		}
		e.restoredIn(a).notified[a.Fingerprint] = true
	}
	for i := range resolved {
		a := &resolved[i]
		if a.LastNotified.IsZero() {
			continue
		}
		g := e.restoredIn(a)
		g.notified[a.Fingerprint] = true
		g.resolved = append(g.resolved, a.Clone())
	}
}

func (e *Engine) restoredIn(a *Alert) *group {
	key, labels := e.groupOf(a)
	g := e.groups[key]
	if g == nil {
		g = &group{labels: labels, created: a.LastNotified, notified: map[string]bool{}}
		e.groups[key] = g
	}
	if a.LastNotified.After(g.sent) {
		g.sent = a.LastNotified
	}
	return g
}

// noticeSummary counts what a notification carries, and its severity.
func noticeSummary(firing, resolved []Alert) (string, string) {
	sortAlerts(firing)
	sortAlerts(resolved)
	sev := ""
	for _, a := range firing {
		sev = highest(sev, a.Severity)
	}
	if len(firing) == 0 {
		for _, a := range resolved {
			sev = highest(sev, a.Severity)
		}
		if len(resolved) == 1 {
			return "resolved: " + resolved[0].Summary, sev
		}
		return plural(len(resolved), "alert", "alerts") + " resolved", sev
	}
	s := firingSummary(firing)
	if len(resolved) > 0 {
		s += "; " + plural(len(resolved), "alert", "alerts") + " resolved"
	}
	return s, sev
}

func firingSummary(as []Alert) string {
	if len(as) == 1 {
		return as[0].Summary
	}
	kind := as[0].Kind
	for _, a := range as {
		if a.Kind != kind {
			kind = ""
		}
	}
	hits := map[int64]bool{}
	for _, a := range as {
		for _, id := range a.Evidence {
			hits[id] = true
		}
	}
	names := func(label string) string {
		var vs []string
		for _, a := range as {
			vs = append(vs, a.Labels[label])
		}
		sort.Strings(vs)
		if len(vs) > 5 {
			vs = append(vs[:5], "…")
		}
		return strings.Join(vs, ", ")
	}
	switch kind {
	case KindNewAuthor:
		// no names: an author is collected content, and summaries leave the hub
		return fmt.Sprintf("%s, %s", plural(len(as), "new author", "new authors"), plural(len(hits), "hit", "hits"))
	case KindSourceFailing:
		return fmt.Sprintf("%s failing: %s", plural(len(as), "source", "sources"), names("source"))
	}
	s := plural(len(as), "alert", "alerts") + " firing"
	if len(hits) > 0 {
		s += ", " + plural(len(hits), "hit", "hits")
	}
	return s
}

// sortAlerts orders alerts most severe first, then oldest first.
func sortAlerts(as []Alert) {
	sort.SliceStable(as, func(i, j int) bool {
		if ri, rj := SeverityRank(as[i].Severity), SeverityRank(as[j].Severity); ri != rj {
			return ri > rj
		}
		if !as[i].Started.Equal(as[j].Started) {
			return as[i].Started.Before(as[j].Started)
		}
		return as[i].Fingerprint < as[j].Fingerprint
	})
}
