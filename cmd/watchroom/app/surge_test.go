package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
)

// The source health board's cadence: the operation's phase tightens the
// source's own schedule, and the source goes back to it afterwards.
func TestSourceCadenceFollowsOperationPhase(t *testing.T) {
	text := strings.Replace(fmt.Sprintf(e2eConfig, tempDataDir(t), "http://127.0.0.1:1/feed.xml"), "watchlists:\n", `  - {id: fast, kind: feed, url: "http://127.0.0.1:1/fast.xml", schedule: "@every 20s"}
  - {id: scanner, kind: webhook, options: {token_env: TEST_SCANNER_TOKEN}}
watchlists:
`, 1)
	cfg, err := config.Parse("e2e.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Getenv: func(string) string { return strings.Repeat("k", 40) }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	start := cfg.Operations[0].Start // 18:00; ends 04:00 the next day
	for _, c := range []struct {
		at         time.Duration
		every, why string
	}{
		{-72 * time.Hour, "polled every 1h", "its own schedule"},
		{-24 * time.Hour, "polled every 15m", "operation op1 is before"},
		{-time.Hour, "polled every 2m", "operation op1 is imminent"},
		{time.Hour, "polled every 1m", "operation op1 is live"},
		{11 * time.Hour, "polled every 5m", "operation op1 is after"},
		{17 * time.Hour, "polled every 1h", "its own schedule"},
	} {
		every, why, _ := a.cadence("local", start.Add(c.at))
		if every != c.every || why != c.why {
			t.Errorf("at %s: %q %q, want %q %q", c.at, every, why, c.every, c.why)
		}
	}
	// a source faster than the surge keeps its own pace; a pushed one is
	// not polled at all, whatever the phase
	for _, at := range []time.Duration{-72 * time.Hour, time.Hour} {
		if every, why, _ := a.cadence("fast", start.Add(at)); every != "polled every 20s" || why != "its own schedule" {
			t.Errorf("fast feed at %s: %q %q", at, every, why)
		}
		if every, _, next := a.cadence("scanner", start.Add(at)); every != "pushed by its sender, not polled" || !next.IsZero() {
			t.Errorf("webhook at %s: %q, next %v", at, every, next)
		}
	}
}
