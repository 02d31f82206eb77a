// Package store keeps all of watchroom's SQL. SQLite runs in WAL mode with
// one writer connection and a separate pool of readers. Every write that
// changes what a board shows appends its timeline events in the same
// transaction and hands them to the publisher only after commit, in seq order.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // the embedded database driver

	"github.com/watchroom/watchroom/watch"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Options tune a Store.
type Options struct {
	Now     func() time.Time // clock; default time.Now
	Readers int              // read pool size; default 4
	// MaxBatch is how many queued writes at most share one transaction
	// (group commit); default 256. 1 gives every write its own transaction.
	MaxBatch int
}

// Store is the database.
type Store struct {
	w, r    *sql.DB
	log     *slog.Logger
	now     func() time.Time
	epoch   string
	mu      sync.Mutex // held by the writer over a batch and its publishing
	publish func([]watch.Event)

	// The writer goroutine and its queue (writer.go).
	qmu        sync.RWMutex // closing, and sends on queue
	closing    bool
	queue      chan *request
	writerDone chan struct{}
	maxBatch   int
	demand     demandCache // the demand rows, kept up to date by rev (tasking.go)
	// suppressKey is the erasure key once any author may be suppressed
	// (suppress.go); nil: none is, and items are stored without a look.
	suppressKey atomic.Pointer[[]byte]
}

// Open opens (creating if needed) the database at path and migrates it.
// A binary whose SQLite lacks FTS5 is refused (ErrNoFTS5) before anything
// is written.
func Open(ctx context.Context, path string, logger *slog.Logger, opts Options) (*Store, error) {
	return openAt(ctx, path, logger, opts, len(migrations))
}

// openAt is Open with the schema brought to version, no further.
func openAt(ctx context.Context, path string, logger *slog.Logger, opts Options, version int) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Readers <= 0 {
		opts.Readers = 4
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = defaultMaxBatch
	}
	// before the file is touched: a build without FTS5 writes nothing
	if err := CheckFTS5(ctx); err != nil {
		return nil, err
	}
	base := "file:" + url.PathEscape(path) + "?_busy_timeout=10000&_foreign_keys=on&_synchronous=NORMAL"
	w, err := sql.Open("sqlite3", base+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{w: w, log: logger.With("component", "store"), now: opts.Now, maxBatch: opts.MaxBatch}
	if err := s.migrate(ctx, version); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", base+"&mode=ro")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open read pool: %w", err)
	}
	r.SetMaxOpenConns(opts.Readers)
	s.r = r
	if s.epoch, err = s.loadEpoch(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.queue, s.writerDone = make(chan *request, 4*opts.MaxBatch), make(chan struct{})
	go s.runWriter()
	if version < len(migrations) {
		return s, nil // an older schema (tests): no suppressions table yet
	}
	if err := s.loadSuppressions(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close lets the writes already queued finish, refuses later ones
// (ErrClosed), and closes both pools.
func (s *Store) Close() error {
	if s.queue != nil {
		s.stopWriter()
	}
	var errR error
	if s.r != nil {
		errR = s.r.Close()
	}
	return errors.Join(s.w.Close(), errR)
}

// Ping checks that the database answers (for readiness).
func (s *Store) Ping(ctx context.Context) error { return s.r.PingContext(ctx) }

// Epoch is a random identifier stored once per database. A client that knew
// another epoch knows its position in the timeline means nothing here.
func (s *Store) Epoch() string { return s.epoch }

// SetPublisher sets the function that receives committed events. The
// writer goroutine calls it after each commit, before it answers the
// writers, so calls arrive in seq order; it must not block.
func (s *Store) SetPublisher(fn func([]watch.Event)) {
	s.mu.Lock()
	s.publish = fn
	s.mu.Unlock()
}

func (s *Store) loadEpoch(ctx context.Context) (string, error) {
	var epoch string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='epoch'`).Scan(&epoch)
	if err == nil {
		return epoch, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("read epoch: %w", err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	epoch = hex.EncodeToString(b)
	if _, err := s.w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('epoch', ?)`, epoch); err != nil {
		return "", fmt.Errorf("store epoch: %w", err)
	}
	return epoch, nil
}

const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t.UTC()
}
