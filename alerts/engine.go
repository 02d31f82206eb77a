package alerts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/match"
	"github.com/watchroom/watchroom/watch/tasking"
)

// Hit is what the engine needs to know of a recorded hit.
type Hit struct {
	ID         int64
	At         time.Time
	List       string
	Severity   string
	Operations []string
	Author     string
	Source     string
	Title      string
	Text       string
}

// SourceStatus is a source's health as last observed.
type SourceStatus struct {
	Source   string
	At       time.Time
	Failures int // consecutive
	Message  string
}

// ReferralStatus is a referral as the chaser rule sees it.
type ReferralStatus struct {
	ID        int64
	Operation string
	Platform  string
	URL       string
	HitID     int64
	At        time.Time // referred
	Due       time.Time // chased from then on while Pending
	Updated   time.Time // last changed
	Pending   bool      // no outcome yet
}

// Operation is an operation with the place and date terms a place_date rule
// looks for (e.g. the venue, the street, "Saturday", "29th").
type Operation struct {
	watch.Operation
	Terms []string
}

// Errors callers branch on.
var (
	ErrNoAlert   = errors.New("no such open alert")
	ErrBadState  = errors.New("the alert is not in a state that allows this")
	ErrNoSilence = errors.New("no such silence in force or to come")
	// ErrNoReason: resolving by hand needs a reason, for the record.
	ErrNoReason = errors.New("resolving by hand needs a reason")
)

// Engine evaluates rules. It is safe for concurrent use.
type Engine struct {
	mu       sync.Mutex
	now      func() time.Time
	rules    []Rule
	ops      map[string]*opState
	series   map[groupKey]*series    // counted hits per rule and operation
	newbies  map[groupKey][]newcomer // new_author: authors first seen within the window
	maxID    int64                   // the newest hit counted
	pruned   time.Time               // when known authors were last pruned
	lag      time.Duration           // how far evaluation is behind the timeline
	sources  map[string]SourceStatus
	referral map[int64]ReferralStatus // referrals without an outcome
	overdue  []tasking.Overdue
	alerts   map[string]*Alert
	// an alert's counts move with every hit: its "updated" changes are
	// recorded at most once an updateEvery, the last one held back until
	// then (see evaluate); shown is when each open alert last changed on
	// the record, heldBack those with a change not yet recorded
	updateEvery time.Duration
	shown       map[string]time.Time
	heldBack    map[string]bool
	quiet       map[string]time.Time // a group resolved by hand ignores evidence up to then
	silences    map[string]Silence
	horizon     time.Duration
	grouping    GroupOptions
	groups      map[string]*group // by group key
}

type opState struct {
	op    Operation
	terms *match.Matcher   // nil without terms
	known map[uint64]int64 // author hash -> last seen (unix ns), forgotten after authorMemory
}

// authorMemory is how long an operation remembers an author it has not
// seen again: long enough that "new" means new to the operation, bounded
// so that the set does not grow for ever.
const authorMemory = 30 * 24 * time.Hour

// groupKey is a rule (by index) and an operation ("" for hits of none).
type groupKey struct {
	rule int
	op   string
}

// newcomer is a hit that showed an author to an operation for the first time.
type newcomer struct {
	author string
	id     int64
	at     time.Time
	sev    int
}

// authorHash keys an author in the bounded sets (0 stands for none).
func authorHash(a string) uint64 {
	if a == "" {
		return 0
	}
	h := fnv.New64a()
	h.Write([]byte(a))
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

// New makes an engine. now is the clock (time.Now if nil).
func New(rules []Rule, ops []Operation, now func() time.Time) (*Engine, error) {
	if now == nil {
		now = time.Now
	}
	e := &Engine{now: now, ops: map[string]*opState{}, series: map[groupKey]*series{}, newbies: map[groupKey][]newcomer{}, sources: map[string]SourceStatus{}, referral: map[int64]ReferralStatus{},
		alerts: map[string]*Alert{}, quiet: map[string]time.Time{}, silences: map[string]Silence{},
		groups: map[string]*group{}, updateEvery: DefaultUpdateEvery, shown: map[string]time.Time{}, heldBack: map[string]bool{}}
	e.grouping.defaults()
	e.grouping.Wait = DefaultGroupWait
	ids := map[string]bool{}
	for _, r := range rules {
		if err := r.Validate(); err != nil {
			return nil, err
		}
		if ids[r.ID] {
			return nil, fmt.Errorf("rule %q defined twice: %w", r.ID, ErrBadRule)
		}
		ids[r.ID] = true
		r.defaults()
		if h := r.Window + r.Baseline; h > e.horizon {
			e.horizon = h
		}
		e.rules = append(e.rules, r)
	}
	if err := e.setOperations(ops); err != nil {
		return nil, err
	}
	return e, nil
}

// SetOperations replaces the operations the rules look at (an operation
// created or edited in the console), keeping the authors each has seen.
// Rules for every operation cover new ones at once.
func (e *Engine) SetOperations(ops []Operation) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.setOperations(ops)
}

func (e *Engine) setOperations(ops []Operation) error {
	next := map[string]*opState{}
	for _, op := range ops {
		st := &opState{op: op, known: map[uint64]int64{}}
		if old, ok := e.ops[op.ID]; ok {
			st.known = old.known
		}
		if len(op.Terms) > 0 {
			m, err := match.Compile([]match.List{{ID: op.ID, Terms: op.Terms}})
			if err != nil {
				return fmt.Errorf("operation %q place and date terms: %w", op.ID, err)
			}
			st.terms = m
		}
		next[op.ID] = st
	}
	e.ops = next
	// forget the counts of operations gone
	for k := range e.series {
		if k.op != "" && next[k.op] == nil && e.rules[k.rule].Operation != k.op {
			delete(e.series, k)
		}
	}
	for k := range e.newbies {
		if next[k.op] == nil {
			delete(e.newbies, k)
		}
	}
	return nil
}

// SeedAuthors tells the engine which authors an operation has seen before
// (from the store at start), so they do not count as new.
func (e *Engine) SeedAuthors(op string, authors []string, at time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if st, ok := e.ops[op]; ok {
		for _, a := range authors {
			if h := authorHash(a); h != 0 {
				if _, seen := st.known[h]; !seen {
					st.known[h] = at.UnixNano()
				}
			}
		}
	}
}

// ObserveHit takes a recorded hit and returns what changed.
func (e *Engine) ObserveHit(h Hit) []Change {
	return e.ObserveHits([]Hit{h})
}

// ObserveHits takes recorded hits, in the order they were recorded, and
// evaluates once for them all.
func (e *Engine) ObserveHits(hs []Hit) []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, h := range hs {
		e.count(h, nil)
	}
	return e.evaluate()
}

// count adds a hit to the counts of every rule it concerns. newFor, when
// not nil, says on which operations its author is new (a restore);
// otherwise the operation's known authors decide. Called with the lock held.
func (e *Engine) count(h Hit, newFor map[string]bool) {
	e.maxID = max(e.maxID, h.ID)
	author := authorHash(h.Author)
	if newFor == nil {
		newFor = map[string]bool{}
		for _, opID := range h.Operations {
			st, ok := e.ops[opID]
			if !ok || author == 0 {
				continue
			}
			if _, seen := st.known[author]; !seen {
				newFor[opID] = true
			}
			st.known[author] = max(st.known[author], h.At.UnixNano())
		}
	}
	placeDate := e.placeDate(h)
	sev := sevIndex(h.Severity)
	ops := h.Operations
	if len(ops) == 0 {
		ops = []string{""}
	}
	for ri := range e.rules {
		r := &e.rules[ri]
		switch r.Kind {
		case KindSeverity:
			if !AtLeast(h.Severity, r.Severity) {
				continue
			}
		case KindCount, KindSpike, KindPlaceDate, KindNewAuthor:
		default:
			continue
		}
		for _, op := range ops {
			if r.Operation != "" && op != r.Operation {
				continue
			}
			if r.Operation == "" && op != "" && e.ops[op] == nil {
				continue
			}
			k := groupKey{ri, op}
			switch r.Kind {
			case KindNewAuthor:
				if op != "" && newFor[op] {
					e.newbies[k] = append(e.newbies[k], newcomer{author: h.Author, id: h.ID, at: h.At, sev: sev})
				}
				continue
			case KindPlaceDate:
				if op == "" || !placeDate[op] {
					continue
				}
			}
			s := e.series[k]
			if s == nil {
				baseline := time.Duration(0)
				if r.Kind == KindSpike {
					baseline = r.Baseline
				}
				s = newSeries(fingerprint(r.ID, op), r.Window, baseline)
				s.advance(e.now())
				e.series[k] = s
			}
			if !h.At.After(e.quiet[s.fp]) {
				continue // resolved by hand since
			}
			s.add(h.At, h.ID, sev, author)
		}
	}
}

// ObserveSource takes a source's health and returns what changed.
func (e *Engine) ObserveSource(s SourceStatus) []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sources[s.Source] = s
	return e.evaluate()
}

// ObserveReferral takes a referral as last changed and returns what changed.
func (e *Engine) ObserveReferral(r ReferralStatus) []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setReferral(r)
	return e.evaluate()
}

// RestoreReferrals gives the engine the referrals without an outcome after
// a restart; nothing is evaluated until the next tick.
func (e *Engine) RestoreReferrals(rs []ReferralStatus) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range rs {
		e.setReferral(r)
	}
}

func (e *Engine) setReferral(r ReferralStatus) {
	if r.Pending {
		e.referral[r.ID] = r
		return
	}
	delete(e.referral, r.ID)
}

// ObserveOverdue takes the requests past their service level now (the
// whole set, replacing the last) and returns what changed: a request no
// longer in the set resolves its alert.
func (e *Engine) ObserveOverdue(list []tasking.Overdue) []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.overdue = append([]tasking.Overdue(nil), list...)
	return e.evaluate()
}

// SeedOverdue sets the overdue requests without evaluating, like Restore:
// at start, so that alerts restored from before a restart still hold when
// the next tick evaluates.
func (e *Engine) SeedOverdue(list []tasking.Overdue) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.overdue = append([]tasking.Overdue(nil), list...)
}

// DefaultUpdateEvery is how often, at most, an open alert's moving counts
// are recorded as an "updated" change (and shown on the boards).
const DefaultUpdateEvery = time.Second

// SetUpdateEvery sets how often, at most, an alert whose counts or evidence
// move is recorded as "updated"; 0 records every move. A change of
// severity, state or silence is recorded at once whatever this says.
func (e *Engine) SetUpdateEvery(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.updateEvery = max(d, 0)
}

// SetLag tells the engine how far evaluation is behind the timeline, for
// evaluation_lag rules; the next evaluation sees it.
func (e *Engine) SetLag(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lag = d
}

// Tick re-evaluates with the clock: pending alerts fire after their For,
// windows slide so conditions clear, silences start and end, repeats fall due.
func (e *Engine) Tick() []Change {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.evaluate()
}

// AddSilence adds or replaces a silence.
func (e *Engine) AddSilence(s Silence) ([]Change, error) {
	if err := validateSilence(s); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.silences[s.ID] = s
	return e.evaluate(), nil
}

// Silences returns every silence with its state now.
func (e *Engine) Silences() map[string]SilenceState {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]SilenceState{}
	now := e.now()
	for id, s := range e.silences {
		out[id] = s.StateAt(now)
	}
	return out
}

// Ack acknowledges a firing alert.
func (e *Engine) Ack(fp, by string) (Change, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.alerts[fp]
	if !ok {
		return Change{}, ErrNoAlert
	}
	if a.State != StateFiring {
		return Change{}, fmt.Errorf("%s is %s: %w", fp, a.State, ErrBadState)
	}
	a.State, a.AckedAt, a.AckedBy = StateAcknowledged, e.now(), by
	return Change{Alert: a.Clone(), Event: "acknowledged"}, nil
}

// Assign names who works an open alert.
func (e *Engine) Assign(fp, to string) (Change, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.alerts[fp]
	if !ok {
		return Change{}, ErrNoAlert
	}
	a.Assignee = to
	return Change{Alert: a.Clone(), Event: "assigned"}, nil
}

// Resolve closes an open alert by hand. Evidence up to now no longer
// counts for its group, so it fires again only on new evidence.
func (e *Engine) Resolve(fp, by, reason string) (Change, error) {
	if strings.TrimSpace(reason) == "" {
		return Change{}, ErrNoReason
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.alerts[fp]
	if !ok {
		return Change{}, ErrNoAlert
	}
	now := e.now()
	a.State, a.ResolvedAt, a.ResolvedBy, a.Reason = StateResolved, now, by, reason
	e.quiet[fp] = now
	for _, s := range e.series {
		if s.fp == fp {
			s.reset()
		}
	}
	delete(e.alerts, fp)
	delete(e.shown, fp)
	delete(e.heldBack, fp)
	e.left(a)
	return Change{Alert: a.Clone(), Event: "resolved"}, nil
}

// Open returns the alerts not yet resolved in the order a control room
// works them: firing first (then acknowledged, then pending), most severe
// first, newest first.
func (e *Engine) Open() []Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Alert, 0, len(e.alerts))
	for _, a := range e.alerts {
		out = append(out, a.Clone())
	}
	SortOpen(out)
	return out
}

// SortOpen orders open alerts: firing, acknowledged, pending; then most
// severe; then newest.
func SortOpen(as []Alert) {
	rank := map[State]int{StateFiring: 1, StateAcknowledged: 2, StatePending: 3}
	sort.SliceStable(as, func(i, j int) bool {
		if ri, rj := rank[as[i].State], rank[as[j].State]; ri != rj {
			return ri < rj
		}
		if si, sj := SeverityRank(as[i].Severity), SeverityRank(as[j].Severity); si != sj {
			return si > sj
		}
		return as[i].Started.After(as[j].Started)
	})
}

func fingerprint(parts ...string) string {
	s := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(s[:8])
}
