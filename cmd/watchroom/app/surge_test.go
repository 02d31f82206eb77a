package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
)

// The source health board's cadence: the operation's phase tightens the
// source's own schedule, and the source goes back to it afterwards.
func TestSourceCadenceFollowsOperationPhase(t *testing.T) {
	cfg, err := config.Parse("e2e.yaml", []byte(fmt.Sprintf(e2eConfig, tempDataDir(t), "http://127.0.0.1:1/feed.xml")), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	start := cfg.Operations[0].Start // 18:00; ends 04:00 the next day
	for _, c := range []struct {
		at         time.Duration
		every, why string
	}{
		{-72 * time.Hour, "@every 1h", "its own schedule"},
		{-24 * time.Hour, "every 15m0s", "operation op1 is before"},
		{-time.Hour, "every 2m0s", "operation op1 is imminent"},
		{time.Hour, "every 1m0s", "operation op1 is live"},
		{11 * time.Hour, "every 5m0s", "operation op1 is after"},
		{17 * time.Hour, "@every 1h", "its own schedule"},
	} {
		every, why, _ := a.cadence("local", start.Add(c.at))
		if every != c.every || why != c.why {
			t.Errorf("at %s: %q %q, want %q %q", c.at, every, why, c.every, c.why)
		}
	}
}
