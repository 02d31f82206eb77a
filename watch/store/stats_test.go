package store

import (
	"context"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func TestBoardStats(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	start := c.Now()
	add := func(key, list, source string, terms []string, ops ...string) {
		it := item(key, "t")
		it.SourceID = source
		if _, _, err := s.RecordItem(ctx, it, []watch.Hit{{ListID: list, Terms: terms, Operations: ops}}); err != nil {
			t.Fatal(err)
		}
	}
	add("a", "ume", "feed", []string{"rave"}, "op")
	c.Add(20 * time.Minute)
	add("b", "ume", "reddit", []string{"rave", "free party"}, "op")
	c.Add(70 * time.Minute)
	add("c", "disorder", "feed", []string{"ride out"}, "op")
	add("d", "ume", "feed", []string{"rave"}) // no operation
	st, err := s.Stats(ctx, "op", start, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Buckets) != 4 {
		t.Fatalf("buckets %v", st.Buckets)
	}
	if got := st.ByList["ume"]; got[0] != 2 || got[3] != 0 {
		t.Errorf("ume %v", got)
	}
	if got := st.ByList["disorder"]; got[3] != 1 {
		t.Errorf("disorder %v", got)
	}
	if st.BySource["feed"] != 2 || st.BySource["reddit"] != 1 {
		t.Errorf("sources %v", st.BySource)
	}
	// only "c" was found in the last hour
	if len(st.TopTerms) != 1 || st.TopTerms["ride out"] != 1 {
		t.Errorf("top terms %v", st.TopTerms)
	}
}
