package store

import (
	"context"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

func TestTermStats(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	hit := func(key string, terms ...string) int64 {
		_, v, err := s.RecordItem(ctx, item(key, "t"), []watch.Hit{{ListID: "ume", Terms: terms}})
		if err != nil {
			t.Fatal(err)
		}
		return v[0].ID
	}
	hit("old", "rave") // 40 days ago: not counted
	c.Add(30 * 24 * time.Hour)
	a := hit("a", "rave", "free party") // 10 days ago
	c.Add(3 * 24 * time.Hour)
	b := hit("b", "rave")
	c.Add(7 * 24 * time.Hour)
	hit("c", "rave")
	// a term written as a phrase in a query, or in capitals, is the
	// same term; once per hit
	hit("d", `"pull up"`, "pull up")
	hit("e", "Pull  Up")
	for _, id := range []int64{a, b} {
		if _, err := s.Annotate(ctx, watch.Annotation{HitID: id, Kind: watch.AnnotationNotRelevant, Author: "pc1"}); err != nil {
			t.Fatal(err)
		}
	}
	// a plain note does not count as not relevant
	if _, err := s.Annotate(ctx, watch.Annotation{HitID: b, Note: "hmm", Author: "pc2"}); err != nil {
		t.Fatal(err)
	}
	st, err := s.TermStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rave, party := st["ume"]["rave"], st["ume"]["free party"]
	if rave.Hits30 != 3 || rave.Hits7 != 2 || rave.NotRelevant != 2 || party.Hits30 != 1 || party.Hits7 != 0 || party.NotRelevant != 1 {
		t.Fatalf("rave %+v party %+v", rave, party)
	}
	if pull := st["ume"]["pull up"]; pull == nil || pull.Hits30 != 2 || pull.Hits7 != 2 || len(st["ume"]) != 3 {
		t.Fatalf("pull up %+v, terms %v", pull, st["ume"])
	}
	if got := rave.Share(); got < 0.66 || got > 0.67 {
		t.Fatalf("share %v", got)
	}
}
