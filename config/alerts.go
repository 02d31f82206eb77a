package config

// alertKinds are the rule kinds of the alerts package, with the keys each
// one needs beyond id and kind.
var alertKinds = map[string][]string{
	"severity":       {"severity"},
	"count":          {"threshold"},
	"spike":          {"factor"},
	"new_author":     nil,
	"place_date":     nil,
	"source_failing": {"threshold"},
}

func (d *decoder) alertRules(sec field, r *refs) []AlertRule {
	entries, _ := d.items(sec)
	ids := map[string]int{}
	var out []AlertRule
	for _, e := range entries {
		fs, ok := d.fields(e.val, e.path, "id", "name", "kind", "operation", "severity", "threshold",
			"window", "baseline", "factor", "min_hits", "for", "repeat")
		if !ok {
			continue
		}
		d.require(e.val, e.path, fs, "id", "kind")
		a := AlertRule{ID: d.id(fs["id"], "alert rule", ids), Line: e.val.Line}
		scalar(d, fs["name"], &a.Name, anyText)
		if scalar(d, fs["kind"], &a.Kind, oneOf("severity", "count", "spike", "new_author", "place_date", "source_failing")) {
			d.require(e.val, e.path, fs, alertKinds[a.Kind]...)
		}
		if f, ok := fs["operation"]; ok && scalar(d, f, &a.Operation, nonEmpty) {
			r.uses = append(r.uses, use{at: f, owner: describeOwner("alert rule", a.ID), what: "operation", id: a.Operation})
		}
		scalar(d, fs["severity"], &a.Severity, oneOf("critical", "high", "routine"))
		scalar(d, fs["threshold"], &a.Threshold, parseCount)
		scalar(d, fs["min_hits"], &a.MinHits, parseCount)
		scalar(d, fs["factor"], &a.Factor, parseFactor)
		scalar(d, fs["window"], &a.Window, parseDuration)
		scalar(d, fs["baseline"], &a.Baseline, parseDuration)
		scalar(d, fs["for"], &a.For, parseDuration)
		scalar(d, fs["repeat"], &a.Repeat, parseDuration)
		out = append(out, a)
	}
	return out
}
