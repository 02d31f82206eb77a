package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// A New that fails part-way undoes exactly what it did, last first; a
// started app stops everything New and Start began, in reverse, and only
// once.
func TestCleanupStackUndoesInReverse(t *testing.T) {
	feed := newFeedServer(t)
	dir := tempDataDir(t)
	// a webhook source without its token fails New after the store, the
	// lists, the hub, the notifications and the pipeline exist
	text := strings.Replace(fmt.Sprintf(e2eConfig, dir, feed.url), "watchlists:\n",
		"  - {id: scanner, kind: webhook, options: {token_env: TEST_NO_SUCH_TOKEN}}\nwatchlists:\n", 1)
	cfg, err := config.Parse("fail.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	var undone []string
	_, err = New(context.Background(), cfg, quietLogger(), Options{Getenv: func(string) string { return "" }, undone: func(s string) { undone = append(undone, s) }})
	if err == nil || !strings.Contains(err.Error(), "TEST_NO_SUCH_TOKEN") {
		t.Fatalf("New = %v, want the missing token", err)
	}
	if want := []string{"polls", "notifications", "board connections", "evidence renderings", "watch lists", "audit checkpoint", "store"}; !slices.Equal(undone, want) {
		t.Fatalf("a failed New undid %v, want %v", undone, want)
	}

	// the same data folder opens again, and a started app stops in reverse
	cfg, err = config.Parse("ok.yaml", []byte(fmt.Sprintf(e2eConfig, dir, feed.url)), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	undone = nil
	a, err := New(context.Background(), cfg, quietLogger(), Options{undone: func(s string) { undone = append(undone, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"schedules", "audit checkpoints", "alert loop", "polls", "notifications", "board connections", "evidence renderings", "watch lists", "audit checkpoint", "store"}; !slices.Equal(undone, want) {
		t.Fatalf("Stop undid %v, want %v", undone, want)
	}
	if err := a.pipeline.Go(context.Background(), watch.Source{ID: "local"}); !errors.Is(err, watch.ErrClosed) {
		t.Fatalf("a poll after Stop: %v", err)
	}
	if err := a.store.Ping(context.Background()); err == nil {
		t.Fatal("the store is still open after Stop")
	}
	if err := a.Stop(context.Background()); err != nil || len(undone) != 10 {
		t.Fatalf("a second Stop: %v, undid %v", err, undone)
	}
}

func quietLogger() *slog.Logger { return watchtest.Logger() }
