package app

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
)

// export watchlists writes the lists in force as the config's YAML; the
// config package loads it back to the same lists, and check accepts it.
func TestExportWatchListsRoundTrip(t *testing.T) {
	feed := newFeedServer(t)
	dir := tempDataDir(t)
	a, _, stop := startApp(t, feed.url, dir)
	ctx := context.Background()
	save := func(sl watch.StoredList) {
		t.Helper()
		if _, err := a.store.SaveWatchList(ctx, sl, watch.AuditEntry{Actor: "an1", Action: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	save(watch.StoredList{List: watch.WatchList{ID: "drill", Name: "Drill: \"UK\" #1", Severity: "critical", Sources: []string{"local"},
		Query: "\"meet\" NEAR/5 tonight #drill -\"police: station\"\nOR author:'bob' OR 和平 OR drill*~nosubs"}, Operations: []string{"op1"}})
	save(watch.StoredList{List: watch.WatchList{ID: "ume", Name: "Unlicensed music events", Severity: "high", Query: `rave -cancelled`}, Override: true})
	save(watch.StoredList{List: watch.WatchList{ID: "old", Severity: "routine", Query: "bake sale"}, Disabled: true})
	if err := a.lists.Wait(ctx, a.lists.Changed()); err != nil {
		t.Fatal(err)
	}
	want := a.lists.Active()
	stop()

	cfgText := fmt.Sprintf(e2eConfig, dir, feed.url)
	cfg, err := config.Parse("watchroom.yaml", []byte(cfgText), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	out, err := ExportWatchLists(ctx, cfg)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(out, "# Not in force") || !strings.Contains(out, "  # - id: old") || strings.Contains(out, "\n  - id: old") {
		t.Errorf("the disabled list is not a comment:\n%s", out)
	}
	if !strings.Contains(out, "operations op1") {
		t.Errorf("the operation link is not named:\n%s", out)
	}
	// the export replaces the config's watchlists: section
	start, end := strings.Index(cfgText, "watchlists:\n"), strings.Index(cfgText, "operations:\n")
	newText := cfgText[:start] + out + cfgText[end:]
	f, err := config.Parse("exported.yaml", []byte(newText), ConfigOptions())
	if err != nil {
		t.Fatalf("the exported lists do not load: %v\n%s", err, newText)
	}
	_, got, _ := Domain(f)
	norm := func(ls []watch.WatchList) []watch.WatchList {
		out := []watch.WatchList{}
		for _, l := range ls {
			if len(l.Sources) == 0 {
				l.Sources = nil
			}
			if len(l.Terms) == 0 {
				l.Terms = nil
			}
			out = append(out, l)
		}
		return out
	}
	if !reflect.DeepEqual(norm(got), norm(want)) {
		t.Fatalf("round trip\n got %+v\nwant %+v\n%s", got, want, out)
	}
}
