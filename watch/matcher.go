package watch

import (
	"fmt"
	"sync/atomic"

	"github.com/watchroom/watchroom/watch/match"
)

// Matcher matches items against the active watch lists and tells which
// operations' boards each hit belongs on. It is swapped whole when lists
// change, so an item in flight sees the old or the new lists, never a mix.
type Matcher struct {
	cur atomic.Pointer[compiled]
}

type compiled struct {
	m     *match.Matcher
	lists map[string]WatchList
	ops   []Operation
}

// NewMatcher compiles lists and their operations.
func NewMatcher(lists []WatchList, ops []Operation) (*Matcher, error) {
	m := &Matcher{}
	return m, m.Update(lists, ops)
}

// Update compiles new lists and swaps them in atomically.
func (m *Matcher) Update(lists []WatchList, ops []Operation) error {
	c, err := compileLists(lists, ops)
	if err != nil {
		return err
	}
	m.cur.Store(c)
	return nil
}

func compileLists(lists []WatchList, ops []Operation) (*compiled, error) {
	specs := make([]match.List, 0, len(lists))
	byID := make(map[string]WatchList, len(lists))
	for _, l := range lists {
		specs = append(specs, match.List{ID: l.ID, Terms: l.Terms, Query: l.Query, Severity: l.Severity})
		byID[l.ID] = l
	}
	mm, err := match.Compile(specs)
	if err != nil {
		return nil, fmt.Errorf("compile watch lists: %w", err)
	}
	return &compiled{m: mm, lists: byID, ops: ops}, nil
}

// SetOperations swaps in new operations, keeping the compiled lists: the
// next item matched is shown on the boards of the operations in force.
func (m *Matcher) SetOperations(ops []Operation) {
	for {
		cur := m.cur.Load()
		next := &compiled{m: cur.m, lists: cur.lists, ops: ops}
		if m.cur.CompareAndSwap(cur, next) {
			return
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Match returns one hit per watch list that matches the item and applies to
// its source.
func (m *Matcher) Match(it Item) []Hit {
	c := m.cur.Load()
	var hits []Hit
	for _, r := range c.m.Match(match.Doc{Title: it.Title, Text: it.Text, Author: it.Author, URL: it.URL}) {
		l := c.lists[r.ListID]
		if len(l.Sources) > 0 && !contains(l.Sources, it.SourceID) {
			continue
		}
		h := Hit{ListID: r.ListID, Terms: termKeys(r.Terms), Operations: []string{}}
		for _, s := range r.Spans {
			h.Spans = append(h.Spans, Span{Field: s.Field, Start: s.Start, End: s.End})
		}
		for _, op := range c.ops {
			if contains(op.WatchLists, l.ID) && (len(op.Sources) == 0 || contains(op.Sources, it.SourceID)) {
				h.Operations = append(h.Operations, op.ID)
			}
		}
		hits = append(hits, h)
	}
	return hits
}

// TermKey is a term's identity (match.TermKey): "pull up" and pull up are
// one term, in a hit, a list's figures and the charts.
func TermKey(term string) string { return match.TermKey(term) }

// termKeys are the identities of a hit's terms, each once.
func termKeys(terms []string) []string {
	out := make([]string, 0, len(terms))
	for _, t := range terms {
		if k := match.TermKey(t); !contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}
