package watch

import "testing"

func TestMatcherUsesQueriesAndOperations(t *testing.T) {
	m, err := NewMatcher([]WatchList{
		{ID: "ume", Query: `("free party" OR rave) -cancelled`, Severity: "high"},
		{ID: "auth", Query: `author:southside`},
		{ID: "feedonly", Terms: []string{"rave"}, Sources: []string{"other"}},
	}, []Operation{{ID: "op", WatchLists: []string{"ume", "auth"}}})
	if err != nil {
		t.Fatal(err)
	}
	hits := m.Match(Item{SourceID: "src", Title: "Free party tonight", Author: "@southside"})
	if len(hits) != 2 || hits[0].ListID != "ume" || hits[0].Operations[0] != "op" || hits[1].ListID != "auth" {
		t.Fatalf("hits %+v", hits)
	}
	if hits := m.Match(Item{SourceID: "src", Title: "Rave cancelled"}); len(hits) != 0 {
		t.Fatalf("excluded term matched: %+v", hits)
	}
	// a list limited to another source does not see this one
	if hits := m.Match(Item{SourceID: "src", Title: "rave"}); len(hits) != 1 || hits[0].ListID != "ume" {
		t.Fatalf("hits %+v", hits)
	}
	if err := m.Update([]WatchList{{ID: "bad", Query: "rave AND"}}, nil); err == nil {
		t.Fatal("a bad query compiled")
	}
	// the old lists stay in force after a failed update
	if hits := m.Match(Item{SourceID: "src", Title: "rave"}); len(hits) != 1 {
		t.Fatalf("after a failed update: %+v", hits)
	}
}
