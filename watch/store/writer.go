package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// ErrClosed is returned by a write after Close.
var ErrClosed = errors.New("the store is closed")

// defaultMaxBatch is how many queued writes at most share one transaction.
const defaultMaxBatch = 256

// A request's state: the writer takes it or its caller withdraws it, once.
const (
	queued int32 = iota
	taken
	withdrawn
)

// request is one write waiting for the writer goroutine.
type request struct {
	ctx    context.Context
	fn     func(t *tx) error
	state  atomic.Int32
	err    error
	events []watch.Event
	done   chan struct{}
}

// tx is one write inside a batch: the transaction it shares, its own clock
// reading and the timeline events it appends.
type tx struct {
	s      *Store
	b      *batch
	now    time.Time
	events []watch.Event
}

// batch is the transaction a group of writes share, with the statements
// prepared in it (closed by its commit or rollback).
type batch struct {
	sql   *sql.Tx
	stmts map[string]*sql.Stmt
}

// Statements of a batch run under the writer's context, not their caller's:
// SQLite rolls back the whole transaction when a statement in it is
// interrupted, so one caller that gives up would undo the others' writes. A
// caller's context counts until the writer takes its write (see write).

// ExecContext runs a statement in the batch (the context is not used).
func (t *tx) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	return t.b.sql.ExecContext(context.Background(), query, args...)
}

// QueryContext runs a query in the batch (the context is not used).
func (t *tx) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return t.b.sql.QueryContext(context.Background(), query, args...)
}

// QueryRowContext runs a one-row query in the batch (the context is not used).
func (t *tx) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	return t.b.sql.QueryRowContext(context.Background(), query, args...)
}

// exec runs a statement prepared once per batch: the hot statements of
// recording items, hits, events and audit entries are compiled once for
// the hundreds of rows a batch may hold.
func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	st, ok := t.b.stmts[query]
	if !ok {
		var err error
		if st, err = t.b.sql.PrepareContext(context.Background(), query); err != nil {
			return nil, err
		}
		t.b.stmts[query] = st
	}
	return st.ExecContext(context.Background(), args...)
}

// write runs fn in a write transaction and returns once it is committed (or
// failed). Writes queue for the one writer goroutine, which runs what is
// queued together in one transaction (group commit), each write in a
// savepoint of its own so that one failing undoes only itself; after commit
// it publishes their events in seq order, then answers their callers. A
// caller whose ctx ends while its write is still queued gets ctx's error
// and nothing is written; once the writer has taken it, the caller waits
// for the outcome, so a nil error always means committed.
func (s *Store) write(ctx context.Context, fn func(t *tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{ctx: ctx, fn: fn, done: make(chan struct{})}
	if err := s.enqueue(ctx, r); err != nil {
		return err
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		if r.state.CompareAndSwap(queued, withdrawn) {
			return ctx.Err()
		}
		<-r.done
		return r.err
	}
}

func (s *Store) enqueue(ctx context.Context, r *request) error {
	s.qmu.RLock()
	defer s.qmu.RUnlock()
	if s.closing {
		return ErrClosed
	}
	select {
	case s.queue <- r:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopWriter lets the writer finish what is queued and waits for it.
func (s *Store) stopWriter() {
	s.qmu.Lock()
	if s.closing {
		s.qmu.Unlock()
		return
	}
	s.closing = true
	close(s.queue)
	s.qmu.Unlock()
	<-s.writerDone
}

// runWriter is the writer goroutine: it takes what is queued, up to
// maxBatch writes, and commits them together.
func (s *Store) runWriter() {
	defer close(s.writerDone)
	group := make([]*request, 0, s.maxBatch)
	for r := range s.queue {
		group = append(group[:0], r)
	more:
		for len(group) < s.maxBatch {
			select {
			case r, ok := <-s.queue:
				if !ok {
					break more
				}
				group = append(group, r)
			default:
				break more
			}
		}
		s.commit(group)
	}
}

// commit runs one group of writes in one transaction.
func (s *Store) commit(group []*request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := make([]*request, 0, len(group))
	for _, r := range group {
		if !r.state.CompareAndSwap(queued, taken) {
			continue // its caller gave up and was answered
		}
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	failAll := func(err error) {
		for _, r := range live {
			if r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
	sqlTx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		failAll(fmt.Errorf("begin: %w", err))
		return
	}
	b := &batch{sql: sqlTx, stmts: map[string]*sql.Stmt{}}
	shared := len(live) > 1
	for _, r := range live {
		t := &tx{s: s, b: b, now: s.now().UTC()}
		if !shared {
			r.err = r.fn(t)
			r.events = t.events
			continue
		}
		if _, err := sqlTx.Exec(`SAVEPOINT w`); err != nil {
			_ = sqlTx.Rollback()
			failAll(fmt.Errorf("savepoint: %w", err))
			return
		}
		if r.err = r.fn(t); r.err == nil {
			r.events = t.events
			_, err = sqlTx.Exec(`RELEASE w`)
		} else {
			_, err = sqlTx.Exec(`ROLLBACK TO w; RELEASE w`)
		}
		if err != nil {
			_ = sqlTx.Rollback()
			failAll(fmt.Errorf("savepoint: %w", err))
			return
		}
	}
	if !shared && live[0].err != nil {
		_ = sqlTx.Rollback()
		failAll(nil)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		failAll(fmt.Errorf("commit: %w", err))
		return
	}
	var events []watch.Event
	for _, r := range live {
		if r.err == nil {
			events = append(events, r.events...)
		}
	}
	if s.publish != nil && len(events) > 0 {
		s.publish(events)
	}
	for _, r := range live {
		close(r.done)
	}
}
