package config

import (
	"fmt"
	"slices"
	"time"
)

// refs holds the ids each list defines and the references made to them.
// References are checked once every list is read, so sections may come in
// any order.
type refs struct {
	sources map[string]int // id -> line of its definition
	lists   map[string]int
	ops     map[string]int // alert rules refer to operations
	teams   map[string]int // operations name teams; checked once any team is defined
	uses    []use
}

// use is one reference, such as a watch list naming a source.
type use struct {
	at    field
	owner string // e.g. `watch list "ume"`
	what  string // "source" or "watch list"
	id    string
}

func newRefs() *refs {
	return &refs{sources: map[string]int{}, lists: map[string]int{}, ops: map[string]int{}, teams: map[string]int{}}
}

func (d *decoder) sources(sec field, r *refs) []Source {
	entries, _ := d.items(sec)
	var out []Source
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "id", "name", "kind", "url", "schedule", "options")
		if !ok {
			continue
		}
		s := Source{ID: d.id(fs["id"], "source", r.sources), Line: e.val.Line}
		scalar(d, fs["name"], &s.Name, anyText)
		kindOK := scalar(d, fs["kind"], &s.Kind, kindParser(d.kinds))
		urlOK := true
		if kindOK && PushedKind(s.Kind) {
			d.require(e.val, e.path, fs, "id", "kind")
			d.pushedSource(s.Kind, fs)
		} else {
			d.require(e.val, e.path, fs, "id", "kind", "url", "schedule")
			urlOK = scalar(d, fs["url"], &s.URL, parseHTTPURL)
			scalar(d, fs["schedule"], &s.Schedule, d.parseSchedule)
		}
		options, optionsOK := d.options(fs["options"])
		s.Options = options
		if kindOK && urlOK && optionsOK {
			d.checkSource(s, e, fs)
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) watchLists(sec field, r *refs) []WatchList {
	entries, _ := d.items(sec)
	var out []WatchList
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "id", "name", "terms", "query", "sources", "severity", "tags")
		if !ok {
			continue
		}
		_, hasQuery := fs["query"]
		_, hasTerms := fs["terms"]
		switch {
		case hasQuery && hasTerms:
			d.problem(fs["query"].val, fs["query"].path, "give terms or a query, not both")
		case hasQuery:
			d.require(e.val, e.path, fs, "id")
		default:
			d.require(e.val, e.path, fs, "id", "terms")
		}
		w := WatchList{ID: d.id(fs["id"], "watch list", r.lists), Line: e.val.Line}
		scalar(d, fs["name"], &w.Name, anyText)
		if hasTerms {
			w.Terms = d.terms(fs["terms"])
		}
		if hasQuery && scalar(d, fs["query"], &w.Query, nonEmpty) && d.checkQuery != nil {
			if err := d.checkQuery(w.Query); err != nil {
				d.problem(fs["query"].val, fs["query"].path, "%v", err)
			}
		}
		owner := describeOwner("watch list", w.ID)
		w.Sources = d.idRefs(fs["sources"], r, owner, "source")
		w.Severity = "routine"
		scalar(d, fs["severity"], &w.Severity, oneOf("critical", "high", "routine"))
		w.Tags = d.tags(fs["tags"])
		out = append(out, w)
	}
	return out
}

// tags reads a watch list's free labels: each non-empty, none twice.
func (d *decoder) tags(f field) []string {
	entries, _ := d.items(f)
	var out []string
	for _, e := range entries {
		var t string
		if !scalar(d, e, &t, nonEmpty) {
			continue
		}
		if slices.Contains(out, t) {
			d.problem(e.val, e.path, "tag %q is listed twice", t)
			continue
		}
		out = append(out, t)
	}
	return out
}

// terms reads a watch list's terms, of which there must be at least one.
func (d *decoder) terms(f field) []string {
	entries, ok := d.items(f)
	if ok && f.val != nil && len(entries) == 0 {
		d.problem(f.val, f.path, "a watch list needs at least one term")
	}
	var out []string
	for _, e := range entries {
		var t string
		if scalar(d, e, &t, parseTerm) {
			out = append(out, t)
		}
	}
	return out
}

func (d *decoder) operations(sec field, r *refs) []Operation {
	entries, _ := d.items(sec)
	var out []Operation
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "id", "name", "start", "end", "watchlists", "sources", "kind", "place", "terms", "risk", "team", "cadence",
			"lat", "lon", "radius_m", "context", "briefing_lead")
		if !ok {
			continue
		}
		d.require(e.val, e.path, fs, "id", "name", "start", "end")
		o := Operation{ID: d.id(fs["id"], "operation", r.ops), Line: e.val.Line}
		scalar(d, fs["name"], &o.Name, nonEmpty)
		startOK := scalar(d, fs["start"], &o.Start, parseTime)
		endOK := scalar(d, fs["end"], &o.End, parseTime)
		if startOK && endOK && !o.End.After(o.Start) {
			d.problem(fs["end"].val, fs["end"].path, "end must be after start (%s)", o.Start.Format(time.RFC3339))
		}
		owner := describeOwner("operation", o.ID)
		o.WatchLists = d.idRefs(fs["watchlists"], r, owner, "watch list")
		o.Sources = d.idRefs(fs["sources"], r, owner, "source")
		o.Kind, o.Risk = "other", "medium"
		scalar(d, fs["kind"], &o.Kind, oneOf("planned", "ume", "gathering", "other"))
		scalar(d, fs["risk"], &o.Risk, oneOf("low", "medium", "high"))
		scalar(d, fs["place"], &o.Place, anyText)
		if scalar(d, fs["team"], &o.Team, anyText) && o.Team != "" {
			r.uses = append(r.uses, use{at: fs["team"], owner: describeOwner("operation", o.ID), what: "team", id: o.Team})
		}
		if _, ok := fs["terms"]; ok {
			o.Terms = d.terms(fs["terms"])
		}
		if c, ok := fs["cadence"]; ok {
			o.Cadence = d.cadence(c)
		}
		d.operationPlace(fs, &o)
		scalar(d, fs["context"], &o.Context, anyText)
		if scalar(d, fs["briefing_lead"], &o.BriefingLead, parseDuration) && o.BriefingLead > 14*24*time.Hour {
			d.problem(fs["briefing_lead"].val, fs["briefing_lead"].path, "a briefing lead may be at most 336h (two weeks)")
		}
		out = append(out, o)
	}
	return out
}

// operationPlace reads an operation's coordinates and radius.
func (d *decoder) operationPlace(fs map[string]field, o *Operation) {
	latOK := scalar(d, fs["lat"], &o.Lat, parseCoord(90))
	lonOK := scalar(d, fs["lon"], &o.Lon, parseCoord(180))
	_, hasLat := fs["lat"]
	_, hasLon := fs["lon"]
	switch {
	case hasLat && !hasLon:
		d.problem(fs["lat"].val, fs["lat"].path, "lat is set but lon is not; set both or neither")
	case hasLon && !hasLat:
		d.problem(fs["lon"].val, fs["lon"].path, "lon is set but lat is not; set both or neither")
	}
	o.HasPoint = latOK && lonOK
	if scalar(d, fs["radius_m"], &o.RadiusM, parseRadius) && !hasLat && !hasLon {
		d.problem(fs["radius_m"].val, fs["radius_m"].path, "a radius needs lat and lon")
	}
}

// id reads an entry's id, checks its form and that no earlier entry of the
// same kind has it, and records it in defined. It returns the
// id as written, even when malformed, so that references to it are not
// reported a second time.
func (d *decoder) id(f field, what string, defined map[string]int) string {
	if f.val == nil {
		return ""
	}
	id, ok := d.text(f.val, f.path)
	if !ok {
		return ""
	}
	if _, err := parseID(id); err != nil {
		d.problem(f.val, f.path, "%v", err)
	}
	if id == "" {
		return id
	}
	if line, dup := defined[id]; dup {
		d.problem(f.val, f.path, "duplicate %s id %q (first at line %d)", what, id, line)
		return id
	}
	defined[id] = f.val.Line
	return id
}

// idRefs reads a list of ids naming other entries and records each use for
// checkRefs.
func (d *decoder) idRefs(f field, r *refs, owner, what string) []string {
	entries, _ := d.items(f)
	var out []string
	for _, e := range entries {
		var id string
		if !scalar(d, e, &id, nonEmpty) {
			continue
		}
		if slices.Contains(out, id) {
			d.problem(e.val, e.path, "%s %q is listed twice", what, id)
			continue
		}
		out = append(out, id)
		r.uses = append(r.uses, use{at: e, owner: owner, what: what, id: id})
	}
	return out
}

// checkRefs reports references to ids no entry defines.
func (d *decoder) checkRefs(r *refs) {
	for _, u := range r.uses {
		defined := r.sources
		switch u.what {
		case "watch list":
			defined = r.lists
		case "operation":
			defined = r.ops
		case "team":
			if len(r.teams) == 0 {
				continue // teams are optional until any is defined
			}
			defined = r.teams
		}
		if _, ok := defined[u.id]; !ok {
			d.problem(u.at.val, u.at.path, "%s names %s %q that is not defined", u.owner, u.what, u.id)
		}
	}
}

func describeOwner(what, id string) string {
	if id == "" {
		return "this " + what
	}
	return fmt.Sprintf("%s %q", what, id)
}

// cadence reads an operation's polling cadence per phase.
func (d *decoder) cadence(sec field) map[string]time.Duration {
	fs, ok := d.fields(sec.val, sec.path, "before", "imminent", "live", "after")
	if !ok {
		return nil
	}
	out := map[string]time.Duration{}
	for _, ph := range []string{"before", "imminent", "live", "after"} {
		var v time.Duration
		if scalar(d, fs[ph], &v, parseDuration) {
			out[ph] = v
		}
	}
	return out
}

// PushedKind reports whether sources of kind are pushed to (webhook) rather
// than polled: they have no url and no schedule.
func PushedKind(kind string) bool { return kind == "webhook" }

// pushedSource reports a url or schedule on a source that is pushed to.
func (d *decoder) pushedSource(kind string, fs map[string]field) {
	for _, k := range []string{"url", "schedule"} {
		if f, ok := fs[k]; ok {
			d.problem(f.key, f.path, "a %s source is pushed to: it takes no %s", kind, k)
		}
	}
}
