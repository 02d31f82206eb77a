package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The demo scenario moves without internet: its loopback feed releases
// posts over time, and within a minute some of them are hits on boards.
func TestDemoScenarioProducesHitsWithinAMinute(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	a := startDemo(t, clock)
	ctx := context.Background()
	// the source polls every 5 s: a minute of the demo is twelve polls
	for i := 0; i < 12; i++ {
		if err := a.pollNow(ctx, "demo-feed"); err != nil {
			t.Fatal(err)
		}
		clock.Add(5 * time.Second)
	}
	snap, err := a.store.BoardSnapshot(ctx, "all", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Hits) < 3 {
		t.Fatalf("%d hits after a minute of the demo, want at least 3", len(snap.Hits))
	}
	ume, err := a.store.BoardSnapshot(ctx, "summer-rave", 100)
	if err != nil || len(ume.Hits) == 0 {
		t.Fatalf("no hits on the demo operation's board: %v", err)
	}
	users, _ := a.store.Users(ctx)
	if len(users) != 5 { // officer, viewer, analyst, supervisor, requester
		t.Fatalf("demo users %+v", users)
	}
}

// The demo's accounts exist only in demo mode: a real run refuses a demo
// database, and the demo will not add its accounts to a real one.
func TestDemoAccountsOnlyInDemoDatabases(t *testing.T) {
	feed := newFeedServer(t)
	demoDir, realDir := tempDataDir(t), tempDataDir(t)
	a, _, stop := startApp(t, feed.url, demoDir)
	if err := a.GuardDemo(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if err := a.GuardDemo(context.Background(), false); err == nil || !strings.Contains(err.Error(), "made by the demo") {
		t.Fatalf("real run on a demo database: %v", err)
	}
	stop()
	b, _, _ := startApp(t, feed.url, realDir)
	addUser(t, b, "jsmith", "officer")
	if err := b.GuardDemo(context.Background(), true); err == nil || !strings.Contains(err.Error(), "not a demo database") {
		t.Fatalf("demo on a real database: %v", err)
	}
	if err := b.GuardDemo(context.Background(), false); err != nil {
		t.Fatal(err)
	}
}

// startDemo runs the console on the demo scenario (its loopback feed, its
// config, its accounts) on clock, without its schedules; both stop when
// the test ends.
func startDemo(t *testing.T, clock *watchtest.Clock) *App {
	t.Helper()
	feed, err := StartDemoFeed(clock.Now, 8*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { feed.Close(context.Background()) })
	t.Setenv("WATCHROOM_DEMO_DATA", filepath.Join(t.TempDir(), "demo"))
	t.Setenv("WATCHROOM_LISTEN", "127.0.0.1:0")
	cfg, err := config.Parse("demo.yaml", config.Demo, DemoOptions(feed.url, clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Now: clock.Now, Demo: DemoHint, ConfigID: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Stop(context.Background()) })
	if err := a.GuardDemo(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	return a
}
