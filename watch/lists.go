package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/watchroom/watchroom/watch/match"
)

// ListSource gives the watch lists kept in the database.
type ListSource interface {
	StoredWatchLists(ctx context.Context) ([]StoredList, error)
}

// Lists is the set of watch lists in force, the config file's and the
// database's, and the matcher compiled from them. When lists change,
// Changed rebuilds the matcher in the background and swaps it in whole:
// items in flight use the old set or the new one, never a half-built one.
// A failed build keeps the old set and is reported by Wait and LastError.
type Lists struct {
	config  []WatchList
	ops     []Operation
	src     ListSource
	matcher *Matcher
	log     *slog.Logger
	now     func() time.Time

	cur atomic.Pointer[listState]

	mu       sync.Mutex
	want     uint64 // builds asked for
	done     uint64 // the last build's number
	building bool
	doneCh   chan struct{} // closed and replaced after every build
	lastErr  error
	buildMu  sync.Mutex // one build at a time (Load and the background)

	// life ends with Close; background rebuilds run under it and bg
	// counts them (one at most), so Close can wait.
	life   context.Context
	cancel context.CancelFunc
	closed bool // guarded by mu: Changed starts nothing once set
	bg     sync.WaitGroup
}

type listState struct {
	entries []ListEntry
	active  []WatchList
	ops     []Operation
	sev     map[string]string
	built   time.Time
}

// NewLists holds the config file's lists and operations; src may be nil
// (config lists only). m is the matcher the pipeline uses; nil makes one.
// Call Load before use, and Close when done.
func NewLists(config []WatchList, ops []Operation, src ListSource, m *Matcher, logger *slog.Logger, now func() time.Time) *Lists {
	if m == nil {
		m = &Matcher{}
	}
	if now == nil {
		now = time.Now
	}
	l := &Lists{config: config, ops: ops, src: src, matcher: m, log: logger.With("component", "watchlists"),
		now: now, doneCh: make(chan struct{})}
	l.life, l.cancel = context.WithCancel(context.Background())
	l.cur.Store(&listState{sev: map[string]string{}})
	return l
}

// Load builds the set now, in the caller's goroutine (at start).
func (l *Lists) Load(ctx context.Context) error {
	err := l.build(ctx)
	l.mu.Lock()
	l.lastErr = err
	l.mu.Unlock()
	return err
}

// build loads the stored lists, merges them with the config's, compiles
// the active ones and swaps the result in. A stored list that does not
// compile on its own is left out and marked broken, so one bad list never
// stops the others; a failure of the whole build keeps the old set.
func (l *Lists) build(ctx context.Context) error {
	l.buildMu.Lock()
	defer l.buildMu.Unlock()
	var stored []StoredList
	if l.src != nil {
		var err error
		if stored, err = l.src.StoredWatchLists(ctx); err != nil {
			return fmt.Errorf("load watch lists: %w", err)
		}
	}
	entries := MergeLists(l.config, stored)
	var active []WatchList
	sev := map[string]string{}
	for i := range entries {
		e := &entries[i]
		sev[e.List.ID] = e.List.Severity
		if e.Origin != OriginConfig {
			e.Broken = CheckList(e.List)
		}
		if e.Active() {
			active = append(active, e.List)
		}
	}
	ops := LinkOperations(l.ops, entries)
	c, err := compileLists(active, ops)
	if err != nil {
		return err
	}
	// the set first: whoever sees a hit of the new matcher (the alerts
	// reading a list's severity) finds the new set
	l.cur.Store(&listState{entries: entries, active: active, ops: ops, sev: sev, built: l.now()})
	l.matcher.cur.Store(c)
	return nil
}

// CheckList compiles one list alone and returns what is wrong with it.
func CheckList(w WatchList) error {
	_, err := match.Compile([]match.List{{ID: w.ID, Terms: w.Terms, Query: w.Query, Severity: w.Severity}})
	return err
}

// Changed asks for a rebuild in the background and returns its number,
// for Wait. Rebuilds asked for while one runs are done together, once.
// Once the lists are closed nothing is rebuilt, and Wait says
// ErrListsClosed.
func (l *Lists) Changed() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.want++
	if !l.building && !l.closed {
		l.building = true
		l.bg.Add(1)
		go l.rebuild()
	}
	return l.want
}

// ErrListsClosed is what Wait returns for a rebuild that will not happen
// because the lists are closed.
var ErrListsClosed = errors.New("the watch lists are closed")

// Close cancels a rebuild in progress, waits for it to end, and starts
// none after. The set in force stays readable.
func (l *Lists) Close() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	l.bg.Wait()
	l.mu.Lock()
	close(l.doneCh) // wake every Wait: what it waits for will not come
	l.doneCh = make(chan struct{})
	l.mu.Unlock()
}

func (l *Lists) rebuild() {
	defer l.bg.Done()
	for {
		l.mu.Lock()
		if l.done >= l.want || l.closed {
			l.building = false
			l.mu.Unlock()
			return
		}
		gen := l.want
		l.mu.Unlock()
		err := l.build(l.life)
		if err != nil && l.life.Err() != nil {
			l.log.Info("rebuild of the watch lists stopped: closing", "err", err)
		} else if err != nil {
			l.log.Error("rebuild watch lists: the lists in force stay", "err", err)
		} else {
			l.log.Info("watch lists rebuilt", "lists", len(l.Active()))
		}
		l.mu.Lock()
		l.done, l.lastErr = gen, err
		close(l.doneCh)
		l.doneCh = make(chan struct{})
		l.mu.Unlock()
	}
}

// Wait waits until the rebuild numbered gen (or a later one) is done and
// returns its error.
func (l *Lists) Wait(ctx context.Context, gen uint64) error {
	for {
		l.mu.Lock()
		if l.done >= gen {
			err := l.lastErr
			l.mu.Unlock()
			return err
		}
		if l.closed && !l.building {
			l.mu.Unlock()
			return ErrListsClosed
		}
		ch := l.doneCh
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// LastError is the last build's error, nil when it succeeded.
func (l *Lists) LastError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastErr
}

// Matcher is the compiled matcher of the active lists.
func (l *Lists) Matcher() *Matcher { return l.matcher }

// Entries are every list in force or disabled, config first.
func (l *Lists) Entries() []ListEntry { return l.cur.Load().entries }

// Entry returns the list with the given id.
func (l *Lists) Entry(id string) (ListEntry, bool) {
	for _, e := range l.Entries() {
		if e.List.ID == id {
			return e, true
		}
	}
	return ListEntry{}, false
}

// InConfig returns the config file's list with the given id.
func (l *Lists) InConfig(id string) (WatchList, bool) {
	for _, c := range l.config {
		if c.ID == id {
			return c, true
		}
	}
	return WatchList{}, false
}

// Active are the lists that take part in matching.
func (l *Lists) Active() []WatchList { return l.cur.Load().active }

// Operations are the operations with their watch lists as now linked.
func (l *Lists) Operations() []Operation { return l.cur.Load().ops }

// Severity is a list's severity ("" for an unknown list).
func (l *Lists) Severity(id string) string { return l.cur.Load().sev[id] }

// Built is when the set in force was built.
func (l *Lists) Built() time.Time { return l.cur.Load().built }

// SetOperations puts new operations in force (the registry's, after an
// operation is made or edited in the console). It swaps them in at once,
// linked to the lists in force, without compiling the lists again; a later
// rebuild keeps them.
func (l *Lists) SetOperations(ops []Operation) {
	l.buildMu.Lock()
	defer l.buildMu.Unlock()
	l.ops = append([]Operation(nil), ops...)
	cur := l.cur.Load()
	next := *cur
	next.ops = LinkOperations(l.ops, cur.entries)
	l.cur.Store(&next)
	l.matcher.SetOperations(next.ops)
}
