package config

import (
	"fmt"
	"strings"
	"time"
)

// alertKinds are the rule kinds of the alerts package, with the keys each
// one needs beyond id and kind.
var alertKinds = map[string][]string{
	"severity":       {"severity"},
	"count":          {"threshold"},
	"spike":          {"factor"},
	"new_author":     nil,
	"place_date":     nil,
	"source_failing": {"threshold"},
	// referral_overdue: a referral with no outcome after its platform's
	// chase-after days.
	"referral_overdue": nil,
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
		if scalar(d, fs["kind"], &a.Kind, oneOf("severity", "count", "spike", "new_author", "place_date", "source_failing", "referral_overdue")) {
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

// groupLabels are the alert labels notifications may be grouped by.
var groupLabels = []string{"rule", "kind", "operation", "author", "source"}

func (d *decoder) alertGrouping(sec field, g *AlertGrouping) {
	fs, ok := d.fields(sec.val, sec.path, "group_by", "group_wait", "group_interval", "repeat_interval")
	if !ok {
		return
	}
	if f, ok := fs["group_by"]; ok {
		entries, _ := d.items(f)
		var by []string
		seen := map[string]bool{}
		for _, e := range entries {
			var l string
			if !scalar(d, e, &l, oneOf(groupLabels...)) {
				continue
			}
			if seen[l] {
				d.problem(e.val, e.path, "label %q is listed twice", l)
				continue
			}
			seen[l] = true
			by = append(by, l)
		}
		if len(by) == 0 && len(entries) == 0 {
			d.problem(f.val, f.path, "group_by needs at least one label: %s", strings.Join(groupLabels, ", "))
		}
		if len(by) > 0 {
			g.By = by
		}
	}
	scalar(d, fs["group_wait"], &g.Wait, parseWait)
	scalar(d, fs["group_interval"], &g.Interval, parseDuration)
	scalar(d, fs["repeat_interval"], &g.Repeat, parseDuration)
}

// parseWait is a duration that may be 0 (no wait).
func parseWait(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil && d < 0 {
		return 0, fmt.Errorf("duration %q must not be negative (0s notifies at once)", s)
	} else if err == nil && d == 0 {
		return 0, nil
	}
	return parseDuration(s)
}
