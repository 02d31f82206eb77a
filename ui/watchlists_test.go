package ui

import (
	"context"
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
	if code, _ := e.signIn(t, "pc1").page(t, "/watchlists"); code != http.StatusForbidden {
		t.Fatalf("officer: HTTP %d", code)
	}
	code, html := e.signIn(t, "an1").page(t, "/watchlists")
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
