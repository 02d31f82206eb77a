package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/alerts/briefing"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The scheduled briefing is made once, at T−24h, from the clock and the
// store; its document is kept under its SHA-256.
func TestScheduledBriefingAtItsTime(t *testing.T) {
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "g1", Title: "Free party at the warehouse", Link: "https://example.org/1"})
	cfg, err := config.Parse("e2e.yaml", []byte(fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url)), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	start := cfg.Operations[0].Start
	clock := watchtest.NewClock(start.Add(-25 * time.Hour))
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	ctx := context.Background()
	a.startAlerts()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	a.briefings.Scheduled(ctx)
	if vs, _ := a.store.Briefings(ctx, ""); len(vs) != 0 {
		t.Fatalf("a briefing before its time: %+v", vs)
	}
	clock.Add(time.Hour + time.Second) // T−24h has passed
	a.briefings.Scheduled(ctx)
	a.briefings.Scheduled(ctx) // a second pass makes no second version
	vs, err := a.store.Briefings(ctx, "op1")
	if err != nil || len(vs) != 1 || vs[0].Generator != briefing.ScheduledBy || vs[0].Version != 1 {
		t.Fatalf("versions %+v %v", vs, err)
	}
	doc, err := os.ReadFile(filepath.Join(a.blobDir, vs[0].SHA256+".html"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(doc)
	if hex.EncodeToString(sum[:]) != vs[0].SHA256 {
		t.Fatal("the kept document does not match its SHA-256")
	}
	for _, want := range []string{"Pre-event briefing: Summer rave", "Free party at the warehouse", "OFFICIAL-SENSITIVE", "echarts"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("document lacks %q", want)
		}
	}
	full, err := a.store.Briefing(ctx, vs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if b := full.Doc; b.HitCount != 1 || len(b.KeyHits) != 1 || b.Phase != watch.PhaseBefore {
		t.Fatalf("briefing data %+v", b)
	}
	// after the start, no scheduled version is due any more
	clock.Add(25 * time.Hour)
	a.briefings.Scheduled(ctx)
	if vs, _ := a.store.Briefings(ctx, "op1"); len(vs) != 1 {
		t.Fatalf("%d versions", len(vs))
	}
}

// An analyst writes the summary, makes a version on demand; the printable
// page and the downloaded file (opened from disk, offline) draw the charts.
func TestBrowserBriefing(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	feed.add(feedItem{GUID: "g1", Title: "Rave at the old warehouse", Link: "https://example.org/1"})
	feed.add(feedItem{GUID: "g2", Title: "Free party Saturday", Link: "https://example.org/2"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "analyst1", "op1")
	tb.run(t, "write the summary", chromedp.Navigate(base+"/operations/op1/note"),
		chromedp.WaitVisible("#summary", chromedp.ByID),
		chromedp.SendKeys("#summary", "Promoter active on two platforms.", chromedp.ByID),
		chromedp.SendKeys("#recommendations", "Patrols near the warehouse from 21:00.", chromedp.ByID),
		chromedp.Click("#save-note", chromedp.ByID),
		chromedp.WaitVisible("#generate-op1", chromedp.ByID),
		chromedp.Click("#generate-op1", chromedp.ByID),
		chromedp.WaitVisible(`body.briefing[data-charts="drawn"]`, chromedp.ByQuery))
	var drawn int
	var text string
	tb.run(t, "printable page", chromedp.Evaluate(`document.querySelectorAll('.chart[data-drawn="yes"] svg').length`, &drawn),
		chromedp.Text("body", &text, chromedp.ByQuery))
	if drawn != 3 {
		t.Fatalf("%d charts drawn on the printable page", drawn)
	}
	for _, want := range []string{"Promoter active on two platforms.", "Patrols near the warehouse from 21:00.", "Rave at the old warehouse", "Written by analyst1"} {
		if !strings.Contains(text, want) {
			t.Errorf("printable page lacks %q", want)
		}
	}
	vs, _ := a.store.Briefings(context.Background(), "op1")
	if len(vs) != 1 || vs[0].Generator != "analyst1" {
		t.Fatalf("versions %+v", vs)
	}
	// the delivered file opens from disk with no server
	path := filepath.Join(a.blobDir, vs[0].SHA256+".html")
	tb.run(t, "offline file", chromedp.Navigate("file://"+path),
		chromedp.WaitVisible(`body.briefing[data-charts="drawn"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.chart[data-drawn="yes"] svg').length`, &drawn))
	if drawn != 3 {
		t.Fatalf("%d charts drawn in the offline file", drawn)
	}
	if tb.errors.Load() != 0 {
		t.Fatalf("page errors: %v", <-tb.logs)
	}
	log, _ := a.store.AuditLog(context.Background(), 10)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if !strings.Contains(strings.Join(actions, " "), "briefing_view briefing_generate briefing_note") {
		t.Fatalf("audit %v", actions)
	}
}
