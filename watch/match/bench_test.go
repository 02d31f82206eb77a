package match_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/match"
)

// BenchmarkMatch: 10 lists of 10 terms (words and phrases) against an item
// of about 10 KB of mixed-script text, the size cap of an item's text.
func BenchmarkMatch(b *testing.B) {
	var lists []match.List
	for l := range 10 {
		var terms []string
		for t := range 10 {
			if t%3 == 0 {
				terms = append(terms, fmt.Sprintf(`"word%d term%d"`, l, t))
			} else {
				terms = append(terms, fmt.Sprintf("term%d_%d", l, t))
			}
		}
		lists = append(lists, match.List{ID: fmt.Sprint(l), Terms: terms})
	}
	lists[0].Terms = append(lists[0].Terms, "rave", "вечеринка", "حفلة", "和平")
	m, err := match.Compile(lists)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("An illegal rave tonight, большая вечеринка, هناك حفلة, 和平鸽. ", 140)
	doc := match.Doc{Title: "Rave in the park", Text: text}
	b.SetBytes(int64(len(text) + len(doc.Title)))
	b.ReportAllocs()
	for b.Loop() {
		if len(m.Match(doc)) != 1 {
			b.Fatal("expected one result")
		}
	}
}
