package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// stall holds the writer in a write of its own until release is called, so
// that the writes sent meanwhile queue.
func stall(t *testing.T, s *Store) (release func()) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- s.write(context.Background(), func(*tx) error { close(started); <-hold; return nil })
	}()
	<-started
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(hold)
			if err := <-done; err != nil {
				t.Errorf("stalling write: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

func finding(key, text string, list string) watch.Finding {
	f := watch.Finding{Item: item(key, text)}
	if list != "" {
		f.Hits = []watch.Hit{{ListID: list, Operations: []string{"op"}}}
	}
	return f
}

func (s *Store) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Writes sent while the writer is busy are committed together: one
// transaction, one publishing of all their events, in seq order, and each
// caller is answered only after that commit.
func TestWritesQueuedMeanwhileShareOneCommit(t *testing.T) {
	s, _, _ := open(t)
	var mu sync.Mutex
	var calls [][]watch.Event
	s.SetPublisher(func(evs []watch.Event) { mu.Lock(); calls = append(calls, evs); mu.Unlock() })
	release := stall(t, s)
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := s.RecordItems(context.Background(), []watch.Finding{finding(fmt.Sprint("k", i), "rave", "l")}, nil)
			errs <- err
		})
	}
	watchtest.WaitFor(t, "every write queued", 10*time.Second, func() bool { return len(s.queue) == n })
	if got := s.count(t, `SELECT COUNT(*) FROM seen`); got != 0 {
		t.Fatalf("%d rows visible before the writer took them", got)
	}
	release()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 || len(calls[0]) != n {
		t.Fatalf("published %d times (%v), want once with %d events", len(calls), calls, n)
	}
	for i := 1; i < n; i++ {
		if calls[0][i].Seq <= calls[0][i-1].Seq {
			t.Fatalf("events out of seq order: %d after %d", calls[0][i].Seq, calls[0][i-1].Seq)
		}
	}
	if got := s.count(t, `SELECT COUNT(*) FROM items`); got != n {
		t.Fatalf("%d items stored, want %d", got, n)
	}
}

// A write that fails in a shared transaction undoes only itself: the
// writes committed with it keep theirs, and its caller gets its error.
func TestFailingWriteUndoesOnlyItself(t *testing.T) {
	s, _, _ := open(t)
	release := stall(t, s)
	boom := errors.New("boom")
	results := make(chan error, 3)
	send := func(key string, fail bool) {
		results <- s.write(context.Background(), func(t *tx) error {
			if _, err := t.recordItem(context.Background(), item(key, "rave"), []watch.Hit{{ListID: "l"}}); err != nil {
				return err
			}
			if fail {
				return boom
			}
			return nil
		})
	}
	go send("a", false)
	watchtest.WaitFor(t, "a queued", 5*time.Second, func() bool { return len(s.queue) == 1 })
	go send("b", true)
	watchtest.WaitFor(t, "b queued", 5*time.Second, func() bool { return len(s.queue) == 2 })
	go send("c", false)
	watchtest.WaitFor(t, "c queued", 5*time.Second, func() bool { return len(s.queue) == 3 })
	release()
	var failed int
	for range 3 {
		if err := <-results; errors.Is(err, boom) {
			failed++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if failed != 1 {
		t.Fatalf("%d writes failed, want 1", failed)
	}
	if got := s.count(t, `SELECT COUNT(*) FROM items WHERE key IN ('a','c')`); got != 2 {
		t.Fatalf("%d of the good writes kept, want 2", got)
	}
	if got := s.count(t, `SELECT COUNT(*) FROM seen WHERE key = 'b'`) + s.count(t, `SELECT COUNT(*) FROM items WHERE key = 'b'`); got != 0 {
		t.Fatalf("the failed write left %d rows", got)
	}
	if got := s.count(t, `SELECT COUNT(*) FROM events`); got != 2 {
		t.Fatalf("%d events, want the good writes' 2", got)
	}
}

func ingestAudit(rs []watch.Recorded) watch.AuditEntry {
	n := 0
	for _, r := range rs {
		if r.New {
			n++
		}
	}
	return watch.AuditEntry{Actor: "webhook:hook", Action: "ingest", Target: "source:s", Detail: fmt.Sprintf("%d new", n)}
}

// A push whose sender gives up while it waits for the writer writes
// nothing, neither its items nor its audit entry; one given up after the
// writer took it is written whole, with its entry, and says so.
func TestAbortedRecordKeepsItemsWithTheirAudit(t *testing.T) {
	s, _, _ := open(t)
	items := []watch.Finding{finding("a", "rave", "l"), finding("b", "bake sale", ""), finding("c", "rave", "l")}

	release := stall(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := s.RecordItems(ctx, items, ingestAudit); errc <- err }()
	watchtest.WaitFor(t, "the push queued", 5*time.Second, func() bool { return len(s.queue) == 1 })
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("aborted while queued: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the caller was not answered when it gave up")
	}
	release()
	if _, err := s.RecordItems(context.Background(), []watch.Finding{finding("z", "x", "")}, nil); err != nil {
		t.Fatal(err) // the writer has passed the withdrawn push
	}
	if got := s.count(t, `SELECT COUNT(*) FROM seen WHERE key <> 'z'`) + s.count(t, `SELECT COUNT(*) FROM audit`); got != 0 {
		t.Fatalf("an aborted push left %d rows", got)
	}

	// given up in the middle of its transaction: the statements run on
	ctx, cancel = context.WithCancel(context.Background())
	rs, err := s.RecordItems(ctx, items, func(rs []watch.Recorded) watch.AuditEntry { cancel(); return ingestAudit(rs) })
	if err != nil || len(rs) != 3 {
		t.Fatalf("aborted once taken: %v %v, want recorded", rs, err)
	}
	if got := s.count(t, `SELECT COUNT(*) FROM seen WHERE key IN ('a','b','c')`); got != 3 {
		t.Fatalf("%d items seen, want 3", got)
	}
	log, err := s.AuditLog(context.Background(), 10)
	if err != nil || len(log) != 1 || log[0].Detail != "3 new" {
		t.Fatalf("audit %+v %v, want one entry for the 3 items", log, err)
	}
	if err := s.VerifyAudit(context.Background()); err != nil {
		t.Fatal(err)
	}

	// an audit entry that cannot be written takes the items with it
	bad := func([]watch.Recorded) watch.AuditEntry { return watch.AuditEntry{Actor: "refuse-me", Action: "ingest"} }
	s.mu.Lock()
	_, err = s.w.Exec(`CREATE TRIGGER audit_refuse BEFORE INSERT ON audit WHEN new.actor = 'refuse-me' BEGIN SELECT RAISE(ABORT, 'refused'); END`)
	s.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordItems(context.Background(), []watch.Finding{finding("d", "rave", "l")}, bad); err == nil {
		t.Fatal("a refused audit entry did not fail the write")
	}
	if got := s.count(t, `SELECT COUNT(*) FROM seen WHERE key = 'd'`); got != 0 {
		t.Fatal("items kept without their audit entry")
	}
}

// Close lets the queued writes finish; later writes are refused.
func TestCloseFinishesQueuedWrites(t *testing.T) {
	s, _, _ := open(t)
	release := stall(t, s)
	errc := make(chan error, 1)
	go func() {
		_, err := s.RecordItems(context.Background(), []watch.Finding{finding("q", "rave", "l")}, nil)
		errc <- err
	}()
	watchtest.WaitFor(t, "queued", 5*time.Second, func() bool { return len(s.queue) == 1 })
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	watchtest.WaitFor(t, "closing", 5*time.Second, func() bool {
		s.qmu.RLock()
		defer s.qmu.RUnlock()
		return s.closing
	})
	release()
	if err := <-errc; err != nil {
		t.Fatalf("queued write at close: %v", err)
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordItems(context.Background(), []watch.Finding{finding("r", "rave", "l")}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v, want ErrClosed", err)
	}
}
