package alerts

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/match"
)

// condition is a rule holding for one group now.
type condition struct {
	rule     *Rule
	op       string
	labels   map[string]string
	summary  string
	severity string
	evidence []int64
}

// groupOps returns the operations a rule looks at; "" stands for hits that
// belong to no operation, so a rule for every operation still sees them.
func (e *Engine) groupOps(r *Rule) []string {
	if r.Operation != "" {
		return []string{r.Operation}
	}
	ops := []string{""}
	for id := range e.ops {
		ops = append(ops, id)
	}
	sort.Strings(ops)
	return ops
}

// held is a group's series slid to now, nil when it has counted nothing.
func (e *Engine) held(ri int, op string) *series {
	return e.series[groupKey{ri, op}]
}

func labels(r *Rule, op string, extra ...string) map[string]string {
	l := map[string]string{"rule": r.ID, "kind": string(r.Kind), "operation": op}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

// conditions computes every group for which a rule holds now.
func (e *Engine) conditions(now time.Time) map[string]condition {
	out := map[string]condition{}
	for ri := range e.rules {
		r := &e.rules[ri]
		for _, op := range e.groupOps(r) {
			from := now.Add(-r.Window)
			switch r.Kind {
			case KindSeverity:
				if sr := e.held(ri, op); sr != nil && sr.cur.n > 0 {
					out[sr.fp] = condition{rule: r, op: op, labels: labels(r, op), evidence: sr.evidence(now), severity: sr.cur.top(),
						summary: severitySummary(sr.cur, r.Severity, &sr.authors) + " in the last " + human(r.Window)}
				}
			case KindCount:
				if sr := e.held(ri, op); sr != nil && sr.cur.n >= r.Threshold {
					out[sr.fp] = condition{rule: r, op: op, labels: labels(r, op), evidence: sr.evidence(now), severity: sr.cur.top(),
						summary: fmt.Sprintf("%s in the last %s (threshold %d)", hitsSummary(sr.cur, &sr.authors), human(r.Window), r.Threshold)}
				}
			case KindSpike:
				sr := e.held(ri, op)
				if sr == nil {
					continue
				}
				// an empty baseline counts as one hit, so a first burst
				// must still be Factor times "almost nothing"
				baseRate := float64(max(sr.base.n, 1)) / r.Baseline.Seconds()
				rate := float64(sr.cur.n) / r.Window.Seconds()
				if sr.cur.n >= r.MinHits && rate > r.Factor*baseRate {
					out[sr.fp] = condition{rule: r, op: op, labels: labels(r, op), evidence: sr.evidence(now), severity: sr.cur.top(),
						summary: fmt.Sprintf("%s in the last %s, %.1f× the rate of the %s before", hitsSummary(sr.cur, &sr.authors), human(r.Window), rate/baseRate, human(r.Baseline))}
				}
			case KindNewAuthor:
				if op == "" {
					continue
				}
				byAuthor := map[string][]newcomer{}
				var order []string
				for _, n := range e.newbies[groupKey{ri, op}] {
					if n.at.After(from) && !n.at.After(now) {
						if byAuthor[n.author] == nil {
							order = append(order, n.author)
						}
						byAuthor[n.author] = append(byAuthor[n.author], n)
					}
				}
				for _, author := range order {
					ns := byAuthor[author]
					fp := fingerprint(r.ID, op, author)
					if q, ok := e.quiet[fp]; ok && !ns[0].at.After(q) {
						continue
					}
					var t tally
					ids := make([]int64, len(ns))
					for i, n := range ns {
						ids[i] = n.id
						t.add(n.sev, 1)
					}
					out[fp] = condition{rule: r, op: op, labels: labels(r, op, "author", author), evidence: ids, severity: t.top(),
						// the author is in the labels, for the board; the summary
						// leaves the hub in notifications, so it does not name them
						summary: "new author on the operation's lists, " + plural(len(ids), "hit", "hits")}
				}
			case KindPlaceDate:
				if op == "" {
					continue
				}
				if sr := e.held(ri, op); sr != nil && sr.cur.n > 0 {
					out[sr.fp] = condition{rule: r, op: op, labels: labels(r, op), evidence: sr.evidence(now), severity: sr.cur.top(),
						summary: fmt.Sprintf("%s naming the operation's place or date", hitsSummary(sr.cur, &sr.authors))}
				}
			case KindEvaluationLag:
				if op != "" || e.lag < r.Lag {
					continue
				}
				fp := fingerprint(r.ID, op)
				out[fp] = condition{rule: r, op: op, labels: labels(r, op), severity: match.SeverityHigh,
					summary: fmt.Sprintf("alert evaluation is more than %s behind the timeline: alerts may come late", human(r.Lag))}
			case KindRequestOverdue:
				if op != "" {
					continue
				}
				for _, o := range e.overdue {
					fp := fingerprint(r.ID, op, o.Ref)
					if !o.Due.After(e.quiet[fp]) {
						continue // resolved by hand since it fell due
					}
					out[fp] = condition{rule: r, op: op, labels: labels(r, op, "request", o.Ref), summary: o.Summary()}
				}
			case KindSourceFailing:
				st, ok := e.ops[op]
				if !ok {
					continue
				}
				if ph := st.op.PhaseAt(now); ph != watch.PhaseImminent && ph != watch.PhaseLive {
					continue
				}
				for id, s := range e.sources {
					if s.Failures < r.Threshold || (len(st.op.Sources) > 0 && !contains(st.op.Sources, id)) {
						continue
					}
					fp := fingerprint(r.ID, op, id)
					if !s.At.After(e.quiet[fp]) {
						continue
					}
					out[fp] = condition{rule: r, op: op, labels: labels(r, op, "source", id), severity: match.SeverityHigh,
						summary: fmt.Sprintf("source %s failed %d times in a row: %s", id, s.Failures, s.Message)}
				}
			case KindReferralOverdue:
				for id, rf := range e.referral {
					if rf.Operation != op || now.Before(rf.Due) {
						continue
					}
					fp := fingerprint(r.ID, op, "referral", strconv.FormatInt(id, 10))
					if q, ok := e.quiet[fp]; ok && !rf.Updated.After(q) {
						continue // resolved by hand since its last change
					}
					var ev []int64
					if rf.HitID != 0 {
						ev = []int64{rf.HitID}
					}
					out[fp] = condition{rule: r, op: op, labels: labels(r, op, "referral", strconv.FormatInt(id, 10), "platform", rf.Platform),
						evidence: ev, summary: fmt.Sprintf("referral %d to %s has no outcome %s after it was made (due %s): chase the platform",
							id, rf.Platform, now.Sub(rf.At).Round(time.Hour), rf.Due.UTC().Format("2 Jan 15:04 UTC"))}
				}
			}
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// evaluate reconciles the open alerts with the conditions now. Called with
// the lock held. Notifications are not decided here: the alert groups are
// (see Flush).
func (e *Engine) evaluate() []Change {
	now := e.now()
	e.prune(now)
	conds := e.conditions(now)
	var changes []Change
	fps := make([]string, 0, len(conds))
	for fp := range conds {
		fps = append(fps, fp)
	}
	sort.Strings(fps)
	touched := map[string]int{} // fingerprint -> index in changes
	emit := func(a *Alert, event string) {
		touched[a.Fingerprint] = len(changes)
		changes = append(changes, Change{Alert: a.Clone(), Event: event})
		e.shown[a.Fingerprint] = now
		delete(e.heldBack, a.Fingerprint)
	}
	for _, fp := range fps {
		c := conds[fp]
		sev := c.severity
		if sev == "" {
			sev = match.SeverityRoutine
		}
		a, ok := e.alerts[fp]
		if !ok {
			a = &Alert{Fingerprint: fp, RuleID: c.rule.ID, RuleName: c.rule.Name, Kind: c.rule.Kind,
				Operation: c.op, Labels: c.labels, State: StatePending, Started: now}
			e.alerts[fp] = a
			a.Summary, a.Severity, a.Evidence = c.summary, sev, lastN(c.evidence, maxEvidence)
			if c.rule.For > 0 {
				emit(a, "pending")
			}
		}
		// new evidence changes what the alert says: the boards show it
		severity := a.Severity != sev
		updated := severity || a.Summary != c.summary || !sameIDs(a.Evidence, lastN(c.evidence, maxEvidence))
		a.Summary, a.Severity, a.Evidence = c.summary, sev, lastN(c.evidence, maxEvidence)
		if a.State == StatePending && !now.Before(a.Started.Add(c.rule.For)) {
			a.State, a.FiredAt = StateFiring, now
			emit(a, "firing")
		} else if _, done := touched[fp]; (updated || e.heldBack[fp]) && !done {
			// counts that move with every hit are recorded at most once an
			// updateEvery: under load each would otherwise be a timeline
			// event a page of hits; the last is held and recorded when due
			if severity || e.updateEvery == 0 || !now.Before(e.shown[fp].Add(e.updateEvery)) {
				emit(a, "updated")
			} else {
				e.heldBack[fp] = true
			}
		}
	}
	for fp, a := range e.alerts {
		if _, holds := conds[fp]; holds {
			continue
		}
		a.State, a.ResolvedAt, a.ResolvedBy, a.Reason = StateResolved, now, "system", "the condition cleared"
		delete(e.alerts, fp)
		e.left(a)
		emit(a, "resolved")
		delete(e.shown, fp)
	}
	// silences start and end with the clock: the boards show it
	for _, fp := range e.sortedOpen() {
		a := e.alerts[fp]
		was := a.Silenced
		a.Silenced = e.silenced(a, now)
		if i, ok := touched[fp]; ok {
			changes[i].Alert = a.Clone() // the change says whether it is silenced
		} else if was != a.Silenced {
			ev := "silenced"
			if !a.Silenced {
				ev = "unsilenced"
			}
			emit(a, ev)
		}
	}
	return changes
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (e *Engine) sortedOpen() []string {
	fps := make([]string, 0, len(e.alerts))
	for fp := range e.alerts {
		fps = append(fps, fp)
	}
	sort.Strings(fps)
	return fps
}

func (e *Engine) rule(id string) *Rule {
	for i := range e.rules {
		if e.rules[i].ID == id {
			return &e.rules[i]
		}
	}
	return &Rule{}
}

func (e *Engine) silenced(a *Alert, now time.Time) bool {
	for _, s := range e.silences {
		if s.StateAt(now) == SilenceActive && s.Matches(a) {
			return true
		}
	}
	return false
}

// prune slides every group's window to now, forgets new authors older
// than their rule's window and, once an hour, the authors an operation has
// not seen for authorMemory.
func (e *Engine) prune(now time.Time) {
	for _, s := range e.series {
		s.advance(now)
	}
	for k, ns := range e.newbies {
		from := now.Add(-e.rules[k.rule].Window)
		i := 0
		for i < len(ns) && !ns[i].at.After(from) {
			i++
		}
		switch {
		case i == len(ns):
			delete(e.newbies, k)
		case i > 0:
			e.newbies[k] = append(ns[:0], ns[i:]...)
		}
	}
	if now.Sub(e.pruned) >= time.Hour {
		e.pruned = now
		cut := now.Add(-authorMemory).UnixNano()
		for _, st := range e.ops {
			for a, seen := range st.known {
				if seen < cut {
					delete(st.known, a)
				}
			}
		}
	}
}

func lastN(ids []int64, n int) []int64 {
	if len(ids) > n {
		ids = ids[len(ids)-n:]
	}
	return append([]int64(nil), ids...)
}
