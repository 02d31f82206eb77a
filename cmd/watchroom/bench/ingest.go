package bench

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// ingestRun is what one pass of the ingest benchmark measured.
type ingestRun struct {
	items, hits, events int
	elapsed, cpu        time.Duration
	p50, p99            time.Duration // a sender's wait for one call
}

func (r ingestRun) perSecond() float64 { return float64(r.items) / r.elapsed.Seconds() }

func benchIngest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("items", 100_000, "items through the ingest path")
	nBase := fs.Int("baseline-items", 10_000, "items through the baseline (one transaction per item)")
	senders := fs.Int("senders", 8, "sources sending at once, each from a goroutine of its own")
	perCall := fs.Int("per-call", 20, "items a call of Pipeline.Record (a push, or the new items of a poll)")
	corpusDir := fs.String("corpus", "../shared/corpus", "sample corpus directory")
	dir := fs.String("dir", "", "directory for the databases (default: a temporary one, removed after)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the ingest pass (not the baseline) to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *nBase < 1 || *senders < 1 || *perCall < 1 {
		fmt.Fprintln(stderr, "watchroom bench ingest: --items, --baseline-items, --senders and --per-call must be positive")
		return 2
	}
	fail := func(err error) int { fmt.Fprintf(stderr, "watchroom bench ingest: %v\n", err); return 1 }
	docs, err := loadCorpusItems(*corpusDir)
	if err != nil {
		return fail(err)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "watchroom-bench-ingest-")
		if err != nil {
			return fail(err)
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	lists, ops := ingestLists(docs)
	m, err := watch.NewMatcher(lists, ops)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "corpus: %d items from %s; lists: %d (%d terms), one operation showing them\n",
		len(docs), *corpusDir, len(lists), len(lists[0].Terms)+len(lists[1].Terms))
	fmt.Fprintf(stdout, "senders: %d sources at once, %d items a call, each call audited as a push is\n", *senders, *perCall)

	base, err := runIngest(ctx, filepath.Join(*dir, "baseline.db"), docs, m, *nBase, *senders, *perCall, true)
	if err != nil {
		return fail(err)
	}
	report(stdout, "baseline (one transaction per item, audit apart)", base)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(err)
		}
	}
	cur, err := runIngest(ctx, filepath.Join(*dir, "ingest.db"), docs, m, *n, *senders, *perCall, false)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return fail(err)
	}
	report(stdout, "ingest (group commit, prepared statements)", cur)
	fmt.Fprintf(stdout, "ingest items=%d items_per_s=%.0f baseline_items_per_s=%.0f speedup=%.1f\n",
		cur.items, cur.perSecond(), base.perSecond(), cur.perSecond()/base.perSecond())
	return 0
}

func report(w io.Writer, name string, r ingestRun) {
	fmt.Fprintf(w, "%s: %d items in %v, %.0f items/s (%.0f a CPU second); %d hits, %d hit events published in seq order; a call waited p50 %.1f ms, p99 %.1f ms\n",
		name, r.items, r.elapsed.Round(time.Millisecond), r.perSecond(), float64(r.items)/r.cpu.Seconds(), r.hits, r.events,
		float64(r.p50.Microseconds())/1000, float64(r.p99.Microseconds())/1000)
}

// ingestLists makes two watch lists from the corpus: its 30 most frequent
// words of five letters or more (most items match one, so most are stored
// with hits and indexed), and 300 rarer words (the matcher's usual load).
func ingestLists(docs []benchDoc) ([]watch.WatchList, []watch.Operation) {
	count := map[string]int{}
	for _, d := range docs {
		for _, w := range strings.FieldsFunc(d.Title+" "+d.Text, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(w) >= 5 {
				count[strings.ToLower(w)]++
			}
		}
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int { return cmp.Or(count[b]-count[a], strings.Compare(a, b)) })
	common := words[:min(30, len(words))]
	rare := words[min(30, len(words)):min(330, len(words))]
	if len(rare) == 0 {
		rare = []string{"unlikelyword"}
	}
	lists := []watch.WatchList{
		{ID: "common", Name: "Common words", Terms: common, Severity: "routine"},
		{ID: "rare", Name: "Rarer words", Terms: rare, Severity: "high"},
	}
	ops := []watch.Operation{{ID: "op", Name: "Bench", WatchLists: []string{"common", "rare"},
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)}}
	return lists, ops
}

// runIngest sends n items built from docs through watch.Pipeline.Record from
// senders goroutines, perCall items a call, into a new store at path. With
// perItem the store commits every write alone and the pipeline's recorder
// writes each item in its own transaction and the audit entry in another,
// as the console did before group commit.
func runIngest(ctx context.Context, path string, docs []benchDoc, m *watch.Matcher, n, senders, perCall int, perItem bool) (ingestRun, error) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := store.Options{}
	if perItem {
		opts.MaxBatch = 1
	}
	st, err := store.Open(ctx, path, logger, opts)
	if err != nil {
		return ingestRun{}, err
	}
	defer st.Close()
	var events atomic.Int64
	var lastSeq atomic.Int64
	var outOfOrder atomic.Bool
	st.SetPublisher(func(evs []watch.Event) {
		for _, e := range evs {
			if e.Seq <= lastSeq.Load() {
				outOfOrder.Store(true)
			}
			lastSeq.Store(e.Seq)
			if e.Type == watch.EventHit {
				events.Add(1)
			}
		}
	})
	var rec watch.Recorder = st
	if perItem {
		rec = perItemRecorder{st}
	}
	p := watch.NewPipeline(nil, m, rec, logger, watch.PipelineOptions{})
	defer p.Close(ctx)

	var (
		mu      sync.Mutex
		waits   []time.Duration
		firstEr error
		hits    atomic.Int64
		wg      sync.WaitGroup
	)
	start, cpuStart := time.Now(), cpuTime()
	for s := range senders {
		wg.Go(func() {
			src := watch.Source{ID: fmt.Sprintf("sender%02d", s), Kind: "webhook"}
			var mine []time.Duration
			// sender s takes items s, s+senders, s+2*senders, ...
			var batch []watch.Item
			flush := func() bool {
				t0 := time.Now()
				rep, err := p.Record(ctx, src, batch, func(r watch.PollReport) watch.AuditEntry {
					return watch.AuditEntry{Actor: "webhook:" + src.ID, Action: "ingest", Target: "source:" + src.ID,
						Detail: fmt.Sprintf("%d items, %d new, %d hits", r.Items, r.New, r.Hits)}
				})
				mine = append(mine, time.Since(t0))
				batch = batch[:0]
				if err != nil {
					mu.Lock()
					firstEr = cmp.Or(firstEr, err)
					mu.Unlock()
					return false
				}
				if rep.New != rep.Items {
					mu.Lock()
					firstEr = cmp.Or(firstEr, fmt.Errorf("%s: %d of %d items new", src.ID, rep.New, rep.Items))
					mu.Unlock()
				}
				hits.Add(int64(rep.Hits))
				return true
			}
			for i := s; i < n; i += senders {
				batch = append(batch, ingestItem(docs, src.ID, i))
				if len(batch) == perCall && !flush() {
					return
				}
			}
			if len(batch) > 0 {
				flush()
			}
			mu.Lock()
			waits = append(waits, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpuStart
	if firstEr != nil {
		return ingestRun{}, firstEr
	}
	if outOfOrder.Load() {
		return ingestRun{}, fmt.Errorf("events were published out of seq order")
	}
	if int(events.Load()) != int(hits.Load()) {
		return ingestRun{}, fmt.Errorf("%d hits recorded but %d hit events published", hits.Load(), events.Load())
	}
	return ingestRun{items: n, hits: int(hits.Load()), events: int(events.Load()),
		elapsed: elapsed, cpu: cpu, p50: percentile(waits, 50), p99: percentile(waits, 99)}, nil
}

// ingestItem is the i-th item of a sender: a corpus item's title and text
// (at most 1.5 KB of it), under a key of its own.
func ingestItem(docs []benchDoc, src string, i int) watch.Item {
	d := docs[i%len(docs)]
	text := d.Text
	if len(text) > 1500 {
		cut := 1500
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	key := fmt.Sprintf("%s-%d", src, i)
	return watch.Item{SourceID: src, Key: key, URL: "https://bench.example/" + key, Author: d.Author,
		Title: d.Title, Text: text}
}

// perItemRecorder records as the console did before group commit: each
// item in a transaction of its own, then the audit entry in another.
type perItemRecorder struct{ *store.Store }

func (r perItemRecorder) RecordItems(ctx context.Context, fs []watch.Finding, audit func([]watch.Recorded) watch.AuditEntry) ([]watch.Recorded, error) {
	out := make([]watch.Recorded, 0, len(fs))
	for _, f := range fs {
		isNew, views, err := r.RecordItem(ctx, f.Item, f.Hits)
		if err != nil {
			return nil, err
		}
		out = append(out, watch.Recorded{Item: f.Item, New: isNew, Hits: views})
	}
	if audit != nil {
		if err := r.Audit(ctx, audit(out)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
