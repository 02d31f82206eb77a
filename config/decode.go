package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// decoder walks a YAML node tree by hand, rather than unmarshalling into
// structs, so that every problem can be reported with its line, column and
// key path, and so that one problem does not hide the next.
type decoder struct {
	name       string
	data       []byte
	vars       map[string]string
	kinds      []string
	check      func(kind, url string, options map[string]string) error
	checkQuery func(query string) error
	cron       cron.Parser
	probs      Problems
	listenAt   field // server.listen, when the file sets it
	// listenFromEnv: WATCHROOM_LISTEN overrode the file's listen
	listenFromEnv bool
}

func newDecoder(name string, data []byte, opts Options) *decoder {
	return &decoder{
		name:       name,
		data:       data,
		vars:       opts.Vars,
		kinds:      opts.Kinds,
		check:      opts.CheckSource,
		checkQuery: opts.CheckQuery,
		cron:       cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor),
	}
}

// problem records a problem at node n (which may be nil when the place is
// not known).
func (d *decoder) problem(n *yaml.Node, path, format string, args ...any) {
	p := Problem{File: d.name, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		p.Line, p.Col = n.Line, n.Column
	}
	d.probs = append(d.probs, p)
}

// document parses the bytes and returns the top-level node, or nil when the
// file is empty or cannot be parsed.
func (d *decoder) document() *yaml.Node {
	if !d.encodingOK() {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(d.data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if !errors.Is(err, io.EOF) {
			d.syntax(err)
		}
		return nil
	}
	// yaml.v3 reads one document at a time; a second one would otherwise be
	// silently ignored, and with it whatever the analyst put there.
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		d.syntax(err)
	default:
		d.problem(&next, "", "a second YAML document is not allowed; put everything in one")
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// field is one key: value pair of a mapping. An absent key gives the zero
// field, whose val is nil.
type field struct {
	key, val *yaml.Node
	path     string
}

// fields checks that n is a mapping whose keys are all known and appear at
// most once, and returns its pairs by key. A null node is an empty mapping.
// ok is false when n is not a mapping at all.
func (d *decoder) fields(n *yaml.Node, path string, known ...string) (fs map[string]field, ok bool) {
	if isNull(n) {
		return map[string]field{}, true
	}
	if !d.kindIs(n, path, yaml.MappingNode) {
		return nil, false
	}
	fs = make(map[string]field, len(n.Content)/2)
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.problem(k, path, "want a plain key, got %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.problem(k, path, "key %q is repeated (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		if !slices.Contains(known, k.Value) {
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := closest(k.Value, known); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			d.problem(k, path, "%s", msg)
			continue
		}
		fs[k.Value] = field{key: k, val: v, path: join(path, k.Value)}
	}
	return fs, true
}

// require reports each of keys that fs lacks, at the mapping n.
func (d *decoder) require(n *yaml.Node, path string, fs map[string]field, keys ...string) {
	for _, k := range keys {
		if _, ok := fs[k]; !ok {
			d.problem(n, path, "missing required key %q", k)
		}
	}
}

// text returns the scalar value at n with variables expanded; null is "".
// ok is false (and a problem recorded) when n is not a scalar or refers to
// an unknown variable.
func (d *decoder) text(n *yaml.Node, path string) (string, bool) {
	if !d.kindIs(n, path, yaml.ScalarNode) {
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	s, msgs := expand(n.Value, d.vars)
	for _, m := range msgs {
		d.problem(n, path, "%s", m)
	}
	return s, len(msgs) == 0
}

// items returns the entries of the list at f, each with its path. An absent
// key or a null value is an empty list.
func (d *decoder) items(f field) ([]field, bool) {
	if f.val == nil || isNull(f.val) {
		return nil, true
	}
	if !d.kindIs(f.val, f.path, yaml.SequenceNode) {
		return nil, false
	}
	out := make([]field, len(f.val.Content))
	for i, n := range f.val.Content {
		out[i] = field{val: n, path: fmt.Sprintf("%s[%d]", f.path, i)}
	}
	return out, true
}

// kindIs reports whether n is of kind want, recording a problem if not.
func (d *decoder) kindIs(n *yaml.Node, path string, want yaml.Kind) bool {
	if n.Kind == want {
		return true
	}
	if n.Kind == yaml.AliasNode {
		// Aliases would make one value appear in several places, each
		// reported at the anchor's line; writing values out keeps problems
		// where the analyst looks for them.
		d.problem(n, path, "aliases (*%s) are not supported; write the value out", n.Value)
		return false
	}
	d.problem(n, path, "want %s, got %s", kindName(want), describe(n))
	return false
}

// scalar reads the scalar at f, expands variables and converts it with
// parse, recording a failure as a problem at the value. It reports whether
// dst was set; an absent key leaves dst alone.
func scalar[T any](d *decoder, f field, dst *T, parse func(string) (T, error)) bool {
	if f.val == nil {
		return false
	}
	s, ok := d.text(f.val, f.path)
	if !ok {
		return false
	}
	v, err := parse(s)
	if err != nil {
		d.problem(f.val, f.path, "%v", err)
		return false
	}
	*dst = v
	return true
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names a node's type the way a person would.
func describe(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode {
		return kindName(n.Kind)
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	case "!!timestamp":
		return "a time"
	}
	return "a string"
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		return "a single value"
	}
	return "a document"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// closest returns the known key nearest to k when it is near enough to be
// a likely typo, or "".
func closest(k string, known []string) string {
	best, bestDist := "", 0
	for _, c := range known {
		dist := editDistance(k, c)
		if dist <= max(1, len(c)/3) && (best == "" || dist < bestDist) {
			best, bestDist = c, dist
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
