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

// BenchmarkMatchTerms scans items of the sample corpus for lists of 10
// terms each, 100 to 10,000 terms in all, to show that the cost per byte
// hardly grows with the number of terms. A hundred terms are words of the
// corpus, so that there are hits; the others are made up and absent, as
// most of a watch list's terms are from any given post. watchroom bench
// match is the full benchmark, with a regexp baseline.
func BenchmarkMatchTerms(b *testing.B) {
	var docs []match.Doc
	size := 0
	for _, name := range []string{"atom/dustri_org_large.xml", "rss/golem_de_iso-8859-1.xml", "atom/touchnokia_ru_movabletype.xml", "rss/bbc_urdu_utf8_rtl.xml"} {
		for _, d := range feedItems(b, name) {
			docs = append(docs, d)
			size += len(d.Title) + len(d.Text)
		}
	}
	var vocab []string
	seen := map[string]bool{}
	for _, d := range docs {
		for _, w := range strings.Fields(strings.ToLower(d.Text)) {
			if len(w) >= 5 && !seen[w] && strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") == "" {
				seen[w] = true
				vocab = append(vocab, w)
			}
		}
	}
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("terms=%d", n), func(b *testing.B) {
			var lists []match.List
			var terms []string
			for i := range n {
				w := vocab[(i*7919)%len(vocab)]
				if i >= 100 {
					w = w[:len(w)/2] + fmt.Sprintf("q%dz", i) // absent from the text
				}
				if i%3 == 2 {
					w2 := vocab[(i*104729)%len(vocab)]
					if i >= 100 {
						w2 = w2[:len(w2)/2] + fmt.Sprintf("x%dq", i)
					}
					w = `"` + w + " " + w2 + `"`
				}
				terms = append(terms, w)
				if len(terms) == 10 || i == n-1 {
					lists = append(lists, match.List{ID: fmt.Sprint(i), Terms: terms})
					terms = nil
				}
			}
			m, err := match.Compile(lists)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					m.Match(d)
				}
			}
		})
	}
}
