package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The hourly retention run of a console: every class pruned, the briefing
// document's file removed with its row, the audit log's oldest rows
// removed and a checkpoint written at once, after which
// `watchroom audit verify` with the file still verifies and says what the
// class removed.
func TestRetentionRunEveryClass(t *testing.T) {
	dir := tempDataDir(t)
	cpFile := filepath.Join(t.TempDir(), "watchroom.checkpoints")
	yaml := fmt.Sprintf(`server:
  data_dir: %q
audit:
  checkpoint_file: %q
retention:
  items: 48h
  annotations: 96h
  briefings: 48h
  documents: 48h
  audit: 72h
`, dir, cpFile)
	cfg, err := config.Parse("retention.yaml", []byte(yaml), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	clock := watchtest.NewClock(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	a, err := New(context.Background(), cfg, quietLogger(), Options{Unscheduled: true, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Stop(context.Background()) })
	ctx := context.Background()
	_, views, err := a.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: "k1", Title: "rave", Author: "Jo"}, []watch.Hit{{ListID: "l"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Annotate(ctx, watch.Annotation{HitID: views[0].ID, Author: "pc1", Note: "seen", Kind: "ack"}); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(a.blobDir, "abcd.html")
	os.MkdirAll(a.blobDir, 0o700)
	if err := os.WriteFile(doc, []byte("briefing"), 0o440); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.AddBriefing(ctx, watch.BriefingVersion{Operation: "op", Generator: "ana", SHA256: "abcd",
		Doc: watch.Briefing{KeyHits: views}}); err != nil {
		t.Fatal(err)
	}
	a.store.Audit(ctx, watch.AuditEntry{Actor: "ana", Action: "search", Target: "board:all", Detail: "q=Jo Bloggs"})
	a.checkpoint(ctx)

	clock.Add(73 * time.Hour)
	a.store.Audit(ctx, watch.AuditEntry{Actor: "ana", Action: "search", Target: "board:all", Detail: "q=later"})
	a.prune(ctx)

	if _, err := a.store.Hit(ctx, views[0].ID); err == nil {
		t.Fatal("the hit outlived its class")
	}
	if _, err := os.Stat(doc); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the briefing document's file outlived its class: %v", err)
	}
	if bs, _ := a.store.Briefings(ctx, ""); len(bs) != 0 {
		t.Fatalf("briefings left: %+v", bs)
	}
	log, _ := a.store.AuditLog(ctx, 1000)
	for _, e := range log {
		if strings.Contains(e.Detail, "Jo Bloggs") {
			t.Fatalf("a search term outlived the audit class: %+v", e)
		}
	}
	ok, out := verifyAudit(t, cfg, cpFile)
	if !ok || !strings.Contains(out, "removed by the log's retention class") {
		t.Fatalf("audit verify after the run:\n%s", out)
	}
	cps := readCheckpoints(t, cpFile)
	if len(cps) < 2 {
		t.Fatalf("no checkpoint written after the removal: %+v", cps)
	}
}
