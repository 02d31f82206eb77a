package config

import "time"

// Silence mutes the alerts whose labels equal every matcher, from Start
// to End. Its state (pending, active, expired) comes from the clock.
type Silence struct {
	ID       string
	Matchers map[string]string // keys rule, operation, kind, source, author
	Start    time.Time
	End      time.Time // after Start
	Reason   string
	Author   string
	Line     int
}

var silenceMatcherKeys = []string{"rule", "operation", "kind", "source", "author"}

func (d *decoder) silences(sec field) []Silence {
	entries, _ := d.items(sec)
	ids := map[string]int{}
	var out []Silence
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "id", "matchers", "start", "end", "reason", "author")
		if !ok {
			continue
		}
		d.require(e.val, e.path, fs, "id", "matchers", "start", "end", "reason", "author")
		s := Silence{ID: d.id(fs["id"], "silence", ids), Line: e.val.Line}
		if m, ok := fs["matchers"]; ok && m.val != nil {
			if ms, ok := d.fields(m.val, m.path, silenceMatcherKeys...); ok {
				s.Matchers = map[string]string{}
				for _, k := range silenceMatcherKeys {
					var v string
					if scalar(d, ms[k], &v, nonEmpty) {
						s.Matchers[k] = v
					}
				}
				if len(ms) == 0 {
					d.problem(m.val, m.path, "a silence needs at least one matcher (%s)", "rule, operation, kind, source or author")
				}
			}
		}
		startOK := scalar(d, fs["start"], &s.Start, parseTime)
		endOK := scalar(d, fs["end"], &s.End, parseTime)
		if startOK && endOK && !s.End.After(s.Start) {
			d.problem(fs["end"].val, fs["end"].path, "end must be after start (%s)", s.Start.Format(time.RFC3339))
		}
		scalar(d, fs["reason"], &s.Reason, nonEmpty)
		scalar(d, fs["author"], &s.Author, nonEmpty)
		out = append(out, s)
	}
	return out
}
