package watch

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// EventOperation is the timeline event of an operation created or changed.
const EventOperation = "operation"

// Where an operation's definition comes from: OriginConfig (the config
// file), OriginWeb (created in the console, kept in the store; both shared
// with watch lists) or OriginOverride.
const OriginOverride = "override" // a config operation edited in the console: the stored edit wins

// Operation kinds and risk levels.
var (
	OperationKinds = []string{"planned", "ume", "gathering", "other"}
	RiskLevels     = []string{"low", "medium", "high"}
)

// DefaultBriefingLead is how long before an operation starts its scheduled
// briefing is made when the operation sets no lead of its own.
const DefaultBriefingLead = 24 * time.Hour

// GeoPoint is a WGS 84 latitude and longitude in degrees.
type GeoPoint struct {
	Lat float64
	Lon float64
}

// Lead returns the operation's briefing lead time.
func (o Operation) Lead() time.Duration {
	if o.BriefingLead > 0 {
		return o.BriefingLead
	}
	return DefaultBriefingLead
}

// FieldProblem is what is wrong with one field of an operation.
type FieldProblem struct {
	Field string `json:"field"`
	Msg   string `json:"message"`
}

// OperationProblems lists what is wrong with an operation; it is an error.
type OperationProblems []FieldProblem

func (p OperationProblems) Error() string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = x.Field + ": " + x.Msg
	}
	return "the operation is not valid: " + strings.Join(parts, "; ")
}

// Known is what an operation may refer to.
type Known struct {
	Lists, Sources, Teams map[string]bool
	// TeamsOptional: no team is defined, so any team name is accepted (as
	// the config file does).
	TeamsOptional bool
}

// Limits on what a person may type into an operation.
const (
	MaxOperationName    = 200
	MaxOperationPlace   = 500
	MaxOperationContext = 10000
	MaxOperationTerms   = 50
	MaxBriefingLead     = 14 * 24 * time.Hour
	MaxRadiusM          = 100000
)

// Check reports every problem with an operation, given what it may refer to.
func (o Operation) Check(k Known) OperationProblems {
	var p OperationProblems
	bad := func(field, format string, args ...any) {
		p = append(p, FieldProblem{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if !validID(o.ID) {
		bad("id", "want 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit")
	}
	if strings.TrimSpace(o.Name) == "" {
		bad("name", "a name is required")
	} else if utf8.RuneCountInString(o.Name) > MaxOperationName {
		bad("name", "at most %d characters", MaxOperationName)
	}
	if !oneOfStrings(o.Kind, OperationKinds) {
		bad("kind", "one of %s", strings.Join(OperationKinds, ", "))
	}
	if !oneOfStrings(o.Risk, RiskLevels) {
		bad("risk", "one of %s", strings.Join(RiskLevels, ", "))
	}
	if o.Start.IsZero() {
		bad("start", "a start time is required")
	}
	switch {
	case o.End.IsZero():
		bad("end", "an end time is required")
	case !o.Start.IsZero() && !o.End.After(o.Start):
		bad("end", "the end must be after the start")
	}
	if utf8.RuneCountInString(o.Place) > MaxOperationPlace {
		bad("place", "at most %d characters", MaxOperationPlace)
	}
	if utf8.RuneCountInString(o.Context) > MaxOperationContext {
		bad("context", "at most %d characters", MaxOperationContext)
	}
	if o.Point != nil {
		if math.IsNaN(o.Point.Lat) || o.Point.Lat < -90 || o.Point.Lat > 90 {
			bad("lat", "a latitude from -90 to 90")
		}
		if math.IsNaN(o.Point.Lon) || o.Point.Lon < -180 || o.Point.Lon > 180 {
			bad("lon", "a longitude from -180 to 180")
		}
	}
	if o.RadiusM < 0 || o.RadiusM > MaxRadiusM {
		bad("radius", "from 0 to %d metres", MaxRadiusM)
	} else if o.RadiusM > 0 && o.Point == nil {
		bad("radius", "a radius needs coordinates")
	}
	if o.BriefingLead < 0 || o.BriefingLead > MaxBriefingLead {
		bad("briefing_lead", "from 0 (the default, %s) to %s", DefaultBriefingLead, MaxBriefingLead)
	}
	for ph, d := range o.Cadence {
		if d < time.Second {
			bad("cadence", "the %s cadence must be at least 1s", ph)
		}
	}
	if len(o.Terms) > MaxOperationTerms {
		bad("terms", "at most %d place and date terms", MaxOperationTerms)
	}
	refs := func(field, what string, ids []string, known map[string]bool) {
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				bad(field, "%s %q is listed twice", what, id)
			} else if !known[id] {
				bad(field, "there is no %s %q", what, id)
			}
			seen[id] = true
		}
	}
	refs("watchlists", "watch list", o.WatchLists, k.Lists)
	refs("sources", "source", o.Sources, k.Sources)
	if o.Team != "" && !k.TeamsOptional && !k.Teams[o.Team] {
		bad("team", "there is no team %q", o.Team)
	}
	return p
}

func oneOfStrings(s string, xs []string) bool {
	for _, x := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '_' || r == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

// Registry holds the operations in force: the config file's, and those
// created or edited in the console. Everything that depends on operations
// (the matcher, the alert engine, the surge scheduler, the briefing
// schedule, the pages) reads it or subscribes to it, so a change takes
// effect without a restart.
type Registry struct {
	mu   sync.RWMutex
	ops  map[string]Operation
	pub  sync.Mutex // keeps subscribers' updates in order
	subs []func([]Operation)
}

// NewRegistry starts a registry with ops.
func NewRegistry(ops []Operation) *Registry {
	r := &Registry{ops: map[string]Operation{}}
	for _, op := range ops {
		r.ops[op.ID] = op
	}
	return r
}

// Get returns one operation.
func (r *Registry) Get(id string) (Operation, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	op, ok := r.ops[id]
	return op, ok
}

// All returns every operation, by start, then id.
func (r *Registry) All() []Operation {
	r.mu.RLock()
	out := make([]Operation, 0, len(r.ops))
	for _, op := range r.ops {
		out = append(out, op)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Subscribe calls fn with every operation now and after each change.
func (r *Registry) Subscribe(fn func([]Operation)) {
	r.pub.Lock()
	defer r.pub.Unlock()
	r.subs = append(r.subs, fn)
	fn(r.All())
}

// Put adds or replaces an operation and tells every subscriber.
func (r *Registry) Put(op Operation) {
	r.pub.Lock()
	defer r.pub.Unlock()
	r.mu.Lock()
	r.ops[op.ID] = op
	r.mu.Unlock()
	all := r.All()
	for _, fn := range r.subs {
		fn(all)
	}
}
