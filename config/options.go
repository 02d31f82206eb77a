package config

import (
	"regexp"

	"gopkg.in/yaml.v3"
)

// options reads a source's per-kind options: a mapping of names to single
// values. ok is false when something in it could not be read, so that the
// kind's own check does not report the same thing again.
func (d *decoder) options(f field) (opts map[string]string, ok bool) {
	if f.val == nil || isNull(f.val) {
		return nil, true
	}
	if !d.kindIs(f.val, f.path, yaml.MappingNode) {
		return nil, false
	}
	opts = make(map[string]string, len(f.val.Content)/2)
	seen := make(map[string]int, len(f.val.Content)/2)
	ok = true
	for i := 0; i+1 < len(f.val.Content); i += 2 {
		k, v := f.val.Content[i], f.val.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) || k.Value == "" {
			d.problem(k, f.path, "want a plain option name, got %s", describe(k))
			ok = false
			continue
		}
		if line, dup := seen[k.Value]; dup {
			d.problem(k, f.path, "option %q is repeated (first at line %d)", k.Value, line)
			ok = false
			continue
		}
		seen[k.Value] = k.Line
		var s string
		if !scalar(d, field{key: k, val: v, path: join(f.path, k.Value)}, &s, anyText) {
			ok = false
			continue
		}
		opts[k.Value] = s
	}
	return opts, ok
}

// optionProblem is how a kind's check names the option a problem is about.
var optionProblem = regexp.MustCompile(`^option "([^"]+)"`)

// checkSource runs the program's check of a source's URL and options for
// its kind. Each problem is reported where it is: at the option it names
// (at the options, or the entry, when that option is missing), else at
// the URL.
func (d *decoder) checkSource(s Source, entry field, fs map[string]field) {
	if d.check == nil {
		return
	}
	err := d.check(s.Kind, s.URL, s.Options)
	if err == nil {
		return
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		if e == nil {
			continue
		}
		at := fs["url"]
		if m := optionProblem.FindStringSubmatch(e.Error()); m != nil {
			at = optionField(fs["options"], m[1], entry)
		}
		d.problem(at.val, at.path, "%v", e)
	}
}

// optionField is where a problem with option name is reported: its value,
// else the options mapping, else the entry.
func optionField(opts field, name string, entry field) field {
	if opts.val == nil || opts.val.Kind != yaml.MappingNode {
		return entry
	}
	for i := 0; i+1 < len(opts.val.Content); i += 2 {
		if k := opts.val.Content[i]; k.Value == name {
			return field{key: k, val: opts.val.Content[i+1], path: join(opts.path, name)}
		}
	}
	return opts
}
