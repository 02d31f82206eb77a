package ui

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

func TestWatchListsShowNoisyTerms(t *testing.T) {
	e := newEnvWith(t, func(o *Options) {
		o.WatchLists = []watch.WatchList{{ID: "ume", Name: "UME", Severity: "high", Terms: []string{"rave", "free party", "sound system"}}}
	})
	e.addUser(t, "an1", watch.RoleAnalyst)
	e.addUser(t, "pc1", watch.RoleOfficer)
	ctx := context.Background()
	for i, terms := range [][]string{{"rave"}, {"rave"}, {"rave", "free party"}, {"rave"}} {
		_, v, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: string(rune('a' + i)), Title: "x"},
			[]watch.Hit{{ListID: "ume", Terms: terms}})
		if err != nil {
			t.Fatal(err)
		}
		if i < 3 { // officers said three of the "rave" hits were not relevant
			if _, err := e.store.Annotate(ctx, watch.Annotation{HitID: v[0].ID, Kind: watch.AnnotationNotRelevant, Author: "pc1"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if code, _ := e.signIn(t, "pc1").Get(t, "/watchlists"); code != http.StatusForbidden {
		t.Fatalf("officer: HTTP %d", code)
	}
	code, html := e.signIn(t, "an1").Get(t, "/watchlists")
	if code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	for _, want := range []string{
		`<tr class="noisy"><td>rave</td><td>4</td><td>4</td><td>3</td><td>75% <strong>noisy</strong></td></tr>`,
		`<tr><td>free party</td><td>1</td><td>1</td><td>1</td><td>100%</td></tr>`,
		`<tr><td>sound system</td><td>0</td><td>0</td><td>0</td><td>0%</td></tr>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// A list's per-term figures survive an edit that writes its terms another
// way, and what it excludes is shown as excluded, not as a term.
func TestWatchListTermsSurviveEdits(t *testing.T) {
	e := newEnvWith(t, func(o *Options) {
		o.WatchLists = []watch.WatchList{{ID: "ume", Name: "UME", Severity: "high", Terms: []string{"rave", "pull up"}}}
	})
	e.addUser(t, "an1", watch.RoleAnalyst)
	ctx := context.Background()
	for i, terms := range [][]string{{"rave"}, {"pull up"}, {"pull up"}} {
		if _, _, err := e.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: string(rune('a' + i)), Title: "x"},
			[]watch.Hit{{ListID: "ume", Terms: terms}}); err != nil {
			t.Fatal(err)
		}
	}
	an := e.signIn(t, "an1")
	check := func(what string, wants, lacks []string) {
		t.Helper()
		_, html := an.Get(t, "/watchlists")
		for _, w := range wants {
			if !strings.Contains(html, w) {
				t.Errorf("%s: page lacks %s", what, w)
			}
		}
		for _, w := range lacks {
			if strings.Contains(html, w) {
				t.Errorf("%s: page has %s", what, w)
			}
		}
	}
	check("before", []string{`<td>pull up</td><td>2</td><td>2</td>`, `<td>rave</td><td>1</td><td>1</td>`}, []string{"Excludes"})
	for _, c := range []struct {
		query        string
		wants, lacks []string
	}{
		{`rave OR "pull up"`, []string{`<td>&#34;pull up&#34;</td><td>2</td><td>2</td>`, `<td>rave</td><td>1</td><td>1</td>`}, nil},
		{`(Rave OR "Pull  Up") -football`, []string{`<td>&#34;Pull  Up&#34;</td><td>2</td><td>2</td>`, `<td>Rave</td><td>1</td><td>1</td>`,
			`Excludes (an item holding one is not a hit): <span class="mono exclusion">-football</span>`}, []string{`<td>football</td>`}},
	} {
		rev := 0.0
		_, lists := an.PostJSON(t, "/api/watchlists/ume/save", map[string]any{"query": c.query, "severity": "high", "rev": rev}, true)
		if lists["error"] != nil {
			// the list was saved before: send its revision
			_, html := an.Get(t, "/api/watchlists")
			i := strings.Index(html, `"rev":`)
			var n int
			fmt.Sscanf(html[i+6:], "%d", &n)
			_, lists = an.PostJSON(t, "/api/watchlists/ume/save", map[string]any{"query": c.query, "severity": "high", "rev": n}, true)
			if lists["error"] != nil {
				t.Fatalf("save %s: %v", c.query, lists)
			}
		}
		check(c.query, c.wants, c.lacks)
	}
}
