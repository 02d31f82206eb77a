package tasking

import (
	"fmt"
	"strings"
	"time"
)

// Type is a kind of request the hub takes.
type Type struct {
	ID, Name string
	// Investigation: the form asks for the lawful basis and the authority.
	Investigation bool
}

// Level is how soon a request must be triaged and completed. Type and
// Urgency may be "" for any.
type Level struct {
	Type     string
	Urgency  Urgency
	Triage   time.Duration
	Complete time.Duration
}

// Config is what the force sets: the request types, the commissioning
// teams and the service levels.
type Config struct {
	Types  []Type
	Teams  []string
	Levels []Level
}

// DefaultTypes are the hub's usual kinds of request.
var DefaultTypes = []Type{
	{ID: "pre_event", Name: "Pre-event intelligence (event or unlicensed music event)"},
	{ID: "realtime", Name: "Real-time support to a control room during an operation"},
	{ID: "investigation", Name: "Digital investigation of public content", Investigation: true},
	{ID: "evidence", Name: "Evidence package for a case", Investigation: true},
	{ID: "referral", Name: "Referral of content to a platform"},
	{ID: "guidance", Name: "Guidance or court presentation"},
	{ID: "other", Name: "Other"},
}

// DefaultTeams are the commissioning teams when the config names none.
var DefaultTeams = []string{"Neighbourhood policing", "Response", "CID", "Public order", "Safeguarding", "Partnerships", "Other"}

// DefaultLevels: by urgency, for every type; a config's levels come first.
var DefaultLevels = []Level{
	{Urgency: UrgencyImmediate, Triage: time.Hour, Complete: 24 * time.Hour},
	{Urgency: UrgencyPriority, Triage: 8 * time.Hour, Complete: 5 * 24 * time.Hour},
	{Urgency: UrgencyRoutine, Triage: 3 * 24 * time.Hour, Complete: 20 * 24 * time.Hour},
}

// WithDefaults fills what the config leaves out.
func (c Config) WithDefaults() Config {
	if len(c.Types) == 0 {
		c.Types = DefaultTypes
	}
	if len(c.Teams) == 0 {
		c.Teams = DefaultTeams
	}
	c.Levels = append(append([]Level(nil), c.Levels...), DefaultLevels...)
	return c
}

// Validate reports every problem of a config at once.
func (c Config) Validate() error {
	var p Problems
	types := map[string]bool{}
	for i, t := range c.Types {
		if t.ID == "" || t.Name == "" {
			p.add(fmt.Sprintf("types[%d]", i), "a type needs an id and a name")
		}
		if types[t.ID] {
			p.add(fmt.Sprintf("types[%d]", i), "type %q is defined twice", t.ID)
		}
		types[t.ID] = true
	}
	for i, l := range c.Levels {
		if l.Type != "" && !types[l.Type] {
			p.add(fmt.Sprintf("levels[%d]", i), "unknown type %q", l.Type)
		}
		if l.Urgency != "" && !oneOf(string(l.Urgency), urgencyNames()) {
			p.add(fmt.Sprintf("levels[%d]", i), "unknown urgency %q", l.Urgency)
		}
		if l.Triage <= 0 || l.Complete <= 0 || l.Complete < l.Triage {
			p.add(fmt.Sprintf("levels[%d]", i), "triage and complete must be positive, complete no sooner than triage")
		}
	}
	if len(p) > 0 {
		return p
	}
	return nil
}

func urgencyNames() []string {
	out := make([]string, len(Urgencies))
	for i, u := range Urgencies {
		out[i] = string(u)
	}
	return out
}

// TypeOf returns a type by id.
func (c Config) TypeOf(id string) (Type, bool) {
	for _, t := range c.Types {
		if t.ID == id {
			return t, true
		}
	}
	return Type{}, false
}

// TypeName is a type's name, or its id when unknown (a type since removed).
func (c Config) TypeName(id string) string {
	if t, ok := c.TypeOf(id); ok {
		return t.Name
	}
	return id
}

// Level returns the service level of a type and urgency: the first level
// that names both, else the type, else the urgency.
func (c Config) Level(typ string, u Urgency) Level {
	best, score := Level{Triage: 3 * 24 * time.Hour, Complete: 20 * 24 * time.Hour}, -1
	for _, l := range c.Levels {
		if (l.Type != "" && l.Type != typ) || (l.Urgency != "" && l.Urgency != u) {
			continue
		}
		s := 0
		if l.Type != "" {
			s += 2
		}
		if l.Urgency != "" {
			s++
		}
		if s > score {
			best, score = l, s
		}
	}
	return best
}

// CheckForm reports every problem of a request as its requester submits
// it, at once. A draft is kept whatever it holds.
func (c Config) CheckForm(r Request, now time.Time) Problems {
	var p Problems
	t, ok := c.TypeOf(r.Type)
	if !ok {
		p.add("type", "choose the kind of help you need")
	}
	if !oneOf(r.Team, c.Teams) {
		p.add("team", "choose your commissioning team or unit")
	}
	if s := strings.TrimSpace(r.Contact); s == "" || tooLong(s, 200) {
		p.add("contact", "give a name and a way to reach you (at most 200 characters)")
	}
	if !oneOf(string(r.Urgency), urgencyNames()) {
		p.add("urgency", "choose how urgent it is")
	}
	if r.NeededBy.IsZero() {
		p.add("needed_by", "give the date you need it by")
	} else if r.NeededBy.Before(now.Add(-24 * time.Hour)) {
		p.add("needed_by", "the date needed by has passed")
	}
	if s := strings.TrimSpace(r.Asked); len([]rune(s)) < 10 || tooLong(s, 4000) {
		p.add("asked", "say what you are asking for (10 to 4000 characters)")
	}
	if s := strings.TrimSpace(r.Why); s == "" || tooLong(s, 4000) {
		p.add("why", "say why it is needed (at most 4000 characters)")
	}
	if (r.Type == "pre_event" || r.Type == "realtime") && strings.TrimSpace(r.EventName) == "" && r.Operation == "" {
		p.add("event_name", "name the event or operation")
	}
	if ok && t.Investigation {
		if s := strings.TrimSpace(r.LawfulBasis); s == "" || tooLong(s, 2000) {
			p.add("lawful_basis", "an investigation needs its lawful basis")
		}
	}
	if r.NamesPeople && strings.TrimSpace(r.AuthorityRef) == "" && strings.TrimSpace(r.NoAuthorityReason) == "" {
		p.add("authority_ref", "repeated viewing of named people needs the authority's reference, or the reason none is needed")
	}
	for _, f := range [][2]string{{"event_name", r.EventName}, {"event_place", r.EventPlace}, {"case_ref", r.CaseRef}, {"authority_ref", r.AuthorityRef}} {
		if tooLong(f[1], 200) {
			p.add(f[0], "at most 200 characters")
		}
	}
	if tooLong(r.NoAuthorityReason, 2000) {
		p.add("no_authority_reason", "at most 2000 characters")
	}
	return p
}
