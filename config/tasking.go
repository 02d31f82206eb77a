package config

import "time"

// Tasking is how the hub takes requests for its help: the request types and
// commissioning teams the form offers, and the service levels. Empty lists
// take the tasking package's defaults.
type Tasking struct {
	Types  []TaskingType
	Teams  []string
	Levels []ServiceLevel
}

// TaskingType is a kind of request.
type TaskingType struct {
	ID, Name string
	// Investigation: the form asks for the lawful basis and the authority.
	Investigation bool
	Line          int
}

// ServiceLevel is how soon requests of a type and urgency ("" for any)
// must be triaged and completed.
type ServiceLevel struct {
	Type, Urgency    string
	Triage, Complete time.Duration
	Line             int
}

func (d *decoder) tasking(sec field, t *Tasking) {
	fs, ok := d.fields(sec.val, sec.path, "types", "teams", "service_levels")
	if !ok {
		return
	}
	ids := map[string]int{}
	entries, _ := d.items(fs["types"])
	for _, e := range entries {
		tf, ok := d.fields(e.val, e.path, "id", "name", "investigation")
		if !ok {
			continue
		}
		d.require(e.val, e.path, tf, "id", "name")
		ty := TaskingType{ID: d.id(tf["id"], "request type", ids), Line: e.val.Line}
		scalar(d, tf["name"], &ty.Name, nonEmpty)
		scalar(d, tf["investigation"], &ty.Investigation, parseBool)
		t.Types = append(t.Types, ty)
	}
	teams, _ := d.items(fs["teams"])
	seen := map[string]bool{}
	for _, e := range teams {
		var name string
		if scalar(d, e, &name, nonEmpty) {
			if seen[name] {
				d.problem(e.val, e.path, "team %q is listed twice", name)
			}
			seen[name] = true
			t.Teams = append(t.Teams, name)
		}
	}
	levels, _ := d.items(fs["service_levels"])
	for _, e := range levels {
		lf, ok := d.fields(e.val, e.path, "type", "urgency", "triage", "complete")
		if !ok {
			continue
		}
		d.require(e.val, e.path, lf, "triage", "complete")
		l := ServiceLevel{Line: e.val.Line}
		if scalar(d, lf["type"], &l.Type, nonEmpty) && len(t.Types) > 0 {
			if _, known := ids[l.Type]; !known {
				d.problem(lf["type"].val, lf["type"].path, "service level names request type %q that is not defined", l.Type)
			}
		}
		scalar(d, lf["urgency"], &l.Urgency, oneOf("routine", "priority", "immediate"))
		trOK := scalar(d, lf["triage"], &l.Triage, parseDuration)
		coOK := scalar(d, lf["complete"], &l.Complete, parseDuration)
		if trOK && l.Triage <= 0 {
			d.problem(lf["triage"].val, lf["triage"].path, "triage must be more than 0")
		}
		if trOK && coOK && l.Complete < l.Triage {
			d.problem(lf["complete"].val, lf["complete"].path, "complete must be no sooner than triage (%s)", l.Triage)
		}
		t.Levels = append(t.Levels, l)
	}
}
