package schedule

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/watchtest"
)

func TestAddRejectsBadSpecsAndDuplicates(t *testing.T) {
	s := New(slog.New(slog.NewTextHandler(&watchtest.SyncBuffer{}, nil)), time.UTC)
	if err := s.Add("a", "every 5m", func(context.Context) {}); err == nil {
		t.Fatal("bad spec accepted")
	}
	if err := s.Add("a", "*/5 * * * *", func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add("a", "@every 5m", func(context.Context) {}); err == nil {
		t.Fatal("second job under one name accepted")
	}
	if _, err := Parse("@every 90s"); err != nil {
		t.Fatal(err)
	}
}

// A job still running when its next tick comes is skipped, never run twice
// at once; Stop cancels the running job's context and waits for it.
func TestJobNeverOverlapsItselfAndStopCancels(t *testing.T) {
	logs := &watchtest.SyncBuffer{}
	s := New(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), time.UTC)
	var running, maxRunning, runs atomic.Int32
	started := make(chan struct{}, 10)
	if err := s.Add("src", "@every 1s", func(ctx context.Context) {
		n := running.Add(1)
		if n > maxRunning.Load() {
			maxRunning.Store(n)
		}
		runs.Add(1)
		started <- struct{}{}
		<-ctx.Done() // hold the job until Stop
		running.Add(-1)
	}); err != nil {
		t.Fatal(err)
	}
	s.Start()
	<-started
	if next := s.Next("src"); next.IsZero() {
		t.Fatal("no next run")
	}
	// wait (on the log, not on a timer) until cron has skipped a tick
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "skip") {
		if time.Now().After(deadline) {
			t.Fatalf("no tick was skipped; log:\n%s", logs.String())
		}
		select {
		case <-started:
			t.Fatal("the job started again while running")
		case <-time.After(10 * time.Millisecond):
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Stop(ctx)
	if maxRunning.Load() != 1 || runs.Load() != 1 || running.Load() != 0 {
		t.Fatalf("max concurrent %d, runs %d, still running %d", maxRunning.Load(), runs.Load(), running.Load())
	}
}

// switchable is a schedule whose interval a test changes.
type switchable struct{ every atomic.Int64 }

func (s *switchable) Next(t time.Time) time.Time { return t.Add(time.Duration(s.every.Load())) }

// A job whose schedule depends on something that changed (a new
// operation) runs on its new schedule once rescheduled, not after the
// run the old schedule had planned.
func TestRescheduleTakesEffectAtOnce(t *testing.T) {
	s := New(slog.New(slog.NewTextHandler(&watchtest.SyncBuffer{}, nil)), time.UTC)
	sw := &switchable{}
	sw.every.Store(int64(time.Hour))
	ran := make(chan struct{}, 10)
	if err := s.addSchedule("src", sw, func(context.Context) { ran <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop(context.Background())
	before := s.Next("src")
	if time.Until(before) < 50*time.Minute {
		t.Fatalf("next run %s", before)
	}
	sw.every.Store(int64(100 * time.Millisecond))
	s.Reschedule("src")
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not run on its new schedule")
	}
	s.Reschedule("unknown") // nothing to do, no panic
}
