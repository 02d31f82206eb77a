package watch_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store/storetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func listIDs(hits []watch.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ListID+":"+joined(h.Operations))
	}
	return out
}

func joined(xs []string) string {
	s := ""
	for i, x := range xs {
		if i > 0 {
			s += ","
		}
		s += x
	}
	return s
}

// A saved list is matched after a rebuild, with the operations it links;
// a disabled list is not; a config list's override wins over the file.
func TestListsRebuildSwapsInStoredLists(t *testing.T) {
	st := storetest.Open(t, nil)
	ctx := context.Background()
	config := []watch.WatchList{{ID: "ume", Terms: []string{"rave"}, Severity: "high"}}
	ops := []watch.Operation{{ID: "op1", WatchLists: []string{"ume"}}, {ID: "op2"}}
	l := watch.NewLists(config, ops, st, nil, quiet, nil)
	t.Cleanup(l.Close)
	if err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	m := l.Matcher()
	item := watch.Item{SourceID: "src", Title: "rave and drill tonight"}
	if got := listIDs(m.Match(item)); len(got) != 1 || got[0] != "ume:op1" {
		t.Fatalf("before: %v", got)
	}
	save := func(sl watch.StoredList) {
		t.Helper()
		if _, err := st.SaveWatchList(ctx, sl, watch.AuditEntry{Actor: "an1", Action: "test"}); err != nil {
			t.Fatal(err)
		}
		if err := l.Wait(ctx, l.Changed()); err != nil {
			t.Fatal(err)
		}
	}
	save(watch.StoredList{List: watch.WatchList{ID: "drill", Query: "drill*", Severity: "critical"}, Operations: []string{"op2"}})
	if got := listIDs(m.Match(item)); len(got) != 2 || got[1] != "drill:op2" {
		t.Fatalf("after save: %v", got)
	}
	if l.Severity("drill") != "critical" {
		t.Fatalf("severity %q", l.Severity("drill"))
	}
	// the config list changed in the web: the override wins
	save(watch.StoredList{List: watch.WatchList{ID: "ume", Query: "rave -drill", Severity: "high"}, Override: true})
	if got := listIDs(m.Match(item)); len(got) != 1 || got[0] != "drill:op2" {
		t.Fatalf("after override: %v", got)
	}
	if e, _ := l.Entry("ume"); e.Origin != watch.OriginConfigChanged || e.Config == nil || e.Config.Terms[0] != "rave" {
		t.Fatalf("override entry %+v", e)
	}
	// disabled: no longer matched
	save(watch.StoredList{List: watch.WatchList{ID: "drill", Query: "drill*", Severity: "critical"}, Disabled: true, Rev: 1})
	if got := m.Match(item); len(got) != 0 {
		t.Fatalf("after disable: %v", listIDs(got))
	}
	// a stored list that does not compile is left out, marked, and the rest go on
	save(watch.StoredList{List: watch.WatchList{ID: "bad", Query: "rave AND"}})
	if e, _ := l.Entry("bad"); e.Broken == nil || e.Active() {
		t.Fatalf("broken entry %+v", e)
	}
	if err := st.DeleteWatchList(ctx, "ume", 1, watch.AuditEntry{Actor: "an1", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx, l.Changed()); err != nil {
		t.Fatal(err)
	}
	if got := listIDs(m.Match(item)); len(got) != 1 || got[0] != "ume:op1" {
		t.Fatalf("after revert: %v", got)
	}
}

// A failed build keeps the lists in force and reports why.
func TestListsFailedBuildKeepsOld(t *testing.T) {
	src := &switchSource{}
	l := watch.NewLists([]watch.WatchList{{ID: "ume", Terms: []string{"rave"}}}, nil, src, nil, quiet, nil)
	t.Cleanup(l.Close)
	ctx := context.Background()
	if err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	src.set(nil, errors.New("disk on fire"))
	if err := l.Wait(ctx, l.Changed()); err == nil || l.LastError() == nil {
		t.Fatal("a failed build was not reported")
	}
	if got := l.Matcher().Match(watch.Item{Title: "rave"}); len(got) != 1 || len(l.Entries()) != 1 {
		t.Fatalf("old lists lost: %v", got)
	}
	src.set([]watch.StoredList{{List: watch.WatchList{ID: "x", Query: "drill"}}}, nil)
	if err := l.Wait(ctx, l.Changed()); err != nil || l.LastError() != nil {
		t.Fatalf("recovery: %v", err)
	}
	if got := l.Matcher().Match(watch.Item{Title: "drill"}); len(got) != 1 {
		t.Fatalf("after recovery: %v", got)
	}
}

type switchSource struct {
	mu    sync.Mutex
	lists []watch.StoredList
	err   error
}

func (s *switchSource) set(l []watch.StoredList, err error) {
	s.mu.Lock()
	s.lists, s.err = l, err
	s.mu.Unlock()
}

func (s *switchSource) StoredWatchLists(context.Context) ([]watch.StoredList, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists, s.err
}

// Items matched while rebuilds run see one whole set or the other: every
// hit names a list of the set it came from.
func TestListsSwapIsWhole(t *testing.T) {
	src := &switchSource{}
	l := watch.NewLists(nil, nil, src, nil, quiet, nil)
	t.Cleanup(l.Close)
	ctx := context.Background()
	src.set([]watch.StoredList{{List: watch.WatchList{ID: "a1", Query: "rave"}}, {List: watch.WatchList{ID: "a2", Query: "party"}}}, nil)
	if err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			hits := l.Matcher().Match(watch.Item{Title: "rave party"})
			if len(hits) != 2 || hits[0].ListID[0] != hits[1].ListID[0] {
				t.Errorf("mixed or partial set: %v", listIDs(hits))
				return
			}
		}
	}()
	for i := 0; i < 50; i++ {
		p := "a"
		if i%2 == 0 {
			p = "b"
		}
		src.set([]watch.StoredList{{List: watch.WatchList{ID: p + "1", Query: "rave"}}, {List: watch.WatchList{ID: p + "2", Query: "party"}}}, nil)
		if err := l.Wait(ctx, l.Changed()); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
}

// Operations put in force (made or edited in the console) reach the
// matcher at once, linked to the web's lists, and a later rebuild of the
// lists keeps them rather than the operations the set was made with.
func TestListsSetOperations(t *testing.T) {
	st := storetest.Open(t, nil)
	ctx := context.Background()
	config := []watch.WatchList{{ID: "ume", Terms: []string{"rave"}, Severity: "high"}}
	l := watch.NewLists(config, []watch.Operation{{ID: "op1", WatchLists: []string{"ume"}}}, st, nil, quiet, nil)
	t.Cleanup(l.Close)
	if err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveWatchList(ctx, watch.StoredList{List: watch.WatchList{ID: "drill", Query: "drill*", Severity: "routine"},
		Operations: []string{"op9"}}, watch.AuditEntry{Actor: "an1", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Wait(ctx, l.Changed()); err != nil {
		t.Fatal(err)
	}
	item := watch.Item{SourceID: "src", Title: "rave and drill tonight"}
	if got := listIDs(l.Matcher().Match(item)); len(got) != 2 || got[0] != "ume:op1" || got[1] != "drill:" {
		t.Fatalf("before: %v", got)
	}
	// op1 no longer takes ume; op9, new, is linked to drill from the web
	l.SetOperations([]watch.Operation{{ID: "op1"}, {ID: "op9"}})
	want := func(when string) {
		t.Helper()
		if got := listIDs(l.Matcher().Match(item)); len(got) != 2 || got[0] != "ume:" || got[1] != "drill:op9" {
			t.Fatalf("%s: %v", when, got)
		}
		ops := l.Operations()
		if len(ops) != 2 || ops[1].ID != "op9" || len(ops[1].WatchLists) != 1 || ops[1].WatchLists[0] != "drill" {
			t.Fatalf("%s: operations %+v", when, ops)
		}
	}
	want("set")
	if err := l.Wait(ctx, l.Changed()); err != nil {
		t.Fatal(err)
	}
	want("after a rebuild")
}

// blockingSource answers only when its context ends.
type blockingSource struct {
	entered chan struct{}
	calls   atomic.Int32
}

func (b *blockingSource) StoredWatchLists(ctx context.Context) ([]watch.StoredList, error) {
	if b.calls.Add(1) == 1 {
		return nil, nil // Load
	}
	b.entered <- struct{}{}
	<-ctx.Done()
	return nil, ctx.Err()
}

// Close cancels a rebuild in progress and waits for it; after Close nothing
// is rebuilt and the set in force stays.
func TestListsCloseCancelsAndWaitsForTheRebuild(t *testing.T) {
	src := &blockingSource{entered: make(chan struct{}, 1)}
	l := watch.NewLists([]watch.WatchList{{ID: "ume", Terms: []string{"rave"}}}, nil, src, nil, quiet, nil)
	ctx := context.Background()
	if err := l.Load(ctx); err != nil {
		t.Fatal(err)
	}
	gen := l.Changed()
	<-src.entered // the rebuild is loading, and only cancelling ends that
	closed := make(chan struct{})
	go func() { l.Close(); close(closed) }()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-closed:
	case <-wctx.Done():
		t.Fatal("Close did not end the rebuild")
	}
	if err := l.Wait(wctx, gen); !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled rebuild: %v, want context.Canceled", err)
	}
	if err := l.Wait(wctx, l.Changed()); !errors.Is(err, watch.ErrListsClosed) {
		t.Fatalf("a change after Close: %v, want ErrListsClosed", err)
	}
	if n := src.calls.Load(); n != 2 {
		t.Fatalf("%d loads, want 2 (Load and the cancelled rebuild)", n)
	}
	if got := listIDs(l.Matcher().Match(watch.Item{Title: "rave"})); len(got) != 1 || got[0] != "ume:" {
		t.Fatalf("set in force after Close: %v", got)
	}
}
