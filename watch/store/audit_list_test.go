package store

import (
	"context"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func TestSearchAuditFilters(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	start := c.Now()
	for _, e := range []watch.AuditEntry{
		{Actor: "alice", Action: "search", Target: "board:x_y"},
		{Actor: "bob", Action: "hit_view", Target: "hit:7"},
		{Actor: "alice", Action: "hit_view", Target: "hit:8"},
		{Actor: "alice", Action: "search", Target: "board:xzy"},
	} {
		c.Add(time.Minute)
		if err := s.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(f watch.AuditFilter) []int64 {
		es, err := s.SearchAudit(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	for name, c := range map[string]struct {
		f    watch.AuditFilter
		want []int64
	}{
		"all, newest first":         {watch.AuditFilter{}, []int64{4, 3, 2, 1}},
		"actor":                     {watch.AuditFilter{Actor: "alice"}, []int64{4, 3, 1}},
		"action and actor":          {watch.AuditFilter{Actor: "alice", Action: "hit_view"}, []int64{3}},
		"object prefix, _ is plain": {watch.AuditFilter{Target: "board:x_"}, []int64{1}},
		"object prefix":             {watch.AuditFilter{Target: "hit:"}, []int64{3, 2}},
		"time range, end excluded":  {watch.AuditFilter{From: start.Add(2 * time.Minute), To: start.Add(4 * time.Minute)}, []int64{3, 2}},
		"a page back from an id":    {watch.AuditFilter{Before: 3, Limit: 1}, []int64{2}},
	} {
		if got := ids(c.f); !equalIDs(got, c.want) {
			t.Errorf("%s: %v, want %v", name, got, c.want)
		}
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
