package bench

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// searchQuery is one query of the search benchmark.
type searchQuery struct {
	kind, board, q string
}

func benchSearch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench search", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("items", 1_000_000, "items to store")
	corpusDir := fs.String("corpus", "../shared/corpus", "sample corpus directory")
	runs := fs.Int("runs", 5, "times each query is run through Store.Search")
	dir := fs.String("dir", filepath.Join(os.TempDir(), "watchroom-bench-search"),
		"directory of the archives, kept and reused: search-N.db holds N items")
	fresh := fs.Bool("fresh", false, "build the archive again even if it is there")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *runs < 1 {
		fmt.Fprintln(stderr, "watchroom bench search: --items and --runs must be positive")
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
		return 1
	}
	docs, err := loadCorpusItems(*corpusDir)
	if err != nil {
		return fail(err)
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return fail(err)
	}
	path := filepath.Join(*dir, fmt.Sprintf("search-%d.db", *n))
	gen := newSearchItems(docs)
	st, err := searchArchive(ctx, path, *n, *fresh, gen, stdout)
	if err != nil {
		return fail(err)
	}
	defer st.Close()

	queries := gen.queries()
	var lat []time.Duration
	byKind := map[string][]time.Duration{}
	var kinds []string
	for _, q := range queries {
		var best time.Duration
		found := 0
		for r := range *runs {
			t0 := time.Now()
			hits, err := st.Search(ctx, q.board, q.q, 100)
			d := time.Since(t0)
			if err != nil {
				return fail(fmt.Errorf("%q: %w", q.q, err))
			}
			lat = append(lat, d)
			if _, ok := byKind[q.kind]; !ok {
				kinds = append(kinds, q.kind)
			}
			byKind[q.kind] = append(byKind[q.kind], d)
			if r == 0 || d < best {
				best = d
			}
			found = len(hits)
		}
		fmt.Fprintf(stdout, "  %-7s %-4s %-24q %3d hits  best %v\n", q.kind, q.board, q.q, found, best.Round(time.Microsecond))
	}

	// The baseline: the same queries as a LIKE scan, on the same file.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return fail(err)
	}
	defer db.Close()
	var base []time.Duration
	for _, q := range queries {
		t0 := time.Now()
		found, err := likeSearch(ctx, db, q.board, q.q, 100)
		d := time.Since(t0)
		if err != nil {
			return fail(fmt.Errorf("baseline %q: %w", q.q, err))
		}
		base = append(base, d)
		fmt.Fprintf(stdout, "  like    %-4s %-24q %3d hits  %v\n", q.board, q.q, found, d.Round(time.Microsecond))
	}
	for _, k := range kinds {
		fmt.Fprintf(stdout, "kind=%s runs=%d p50_ms=%.2f p99_ms=%.2f\n", k, len(byKind[k]), ms(percentile(byKind[k], 50)), ms(percentile(byKind[k], 99)))
	}
	p50, p99, bp99 := percentile(lat, 50), percentile(lat, 99), percentile(base, 99)
	fmt.Fprintf(stdout, "search items=%d queries=%d p50_ms=%.2f p99_ms=%.2f baseline_p99_ms=%.1f speedup=%.1f\n",
		*n, len(queries), ms(p50), ms(p99), ms(bp99), ms(bp99)/max(ms(p99), 0.001))
	return 0
}

// searchArchive opens the archive of n items at path, building it first
// when it is missing, incomplete or fresh is set. An archive left by an
// older build is migrated on opening, and the time that takes is printed.
func searchArchive(ctx context.Context, path string, n int, fresh bool, gen *searchItems, stdout io.Writer) (*store.Store, error) {
	have, version, err := archiveItems(ctx, path)
	if err != nil {
		return nil, err
	}
	if fresh || have != n {
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	st, err := store.Open(ctx, path, logger, store.Options{})
	if err != nil {
		return nil, err
	}
	if !fresh && have == n {
		if v := store.SchemaVersion(); v != version {
			fmt.Fprintf(stdout, "store: migrated %d items from schema %d to %d in %v\n", n, version, v, time.Since(start).Round(time.Millisecond))
		}
		fmt.Fprintf(stdout, "store: %d items reused from %s, %.1f MB on disk\n", n, path, float64(fileSizes(path, path+"-wal"))/1e6)
		return st, nil
	}
	// Items are made by one goroutine while the previous batch is written.
	const batch = 50_000
	batches := make(chan []store.ImportedItem, 1)
	go func() {
		defer close(batches)
		for done := 0; done < n && ctx.Err() == nil; done += batch {
			batches <- gen.items(done, min(batch, n-done))
		}
	}()
	for items := range batches {
		if err := st.ImportItems(ctx, items); err != nil {
			st.Close()
			for range batches {
			}
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		st.Close()
		return nil, err
	}
	fmt.Fprintf(stdout, "store: %d items from %d corpus items in %v, %.1f MB on disk (%s, kept for the next run)\n",
		n, len(gen.docs), time.Since(start).Round(time.Millisecond), float64(fileSizes(path, path+"-wal"))/1e6, path)
	return st, nil
}

// archiveItems is how many items an archive holds and its schema version,
// without migrating it (0, 0 when there is no file).
func archiveItems(ctx context.Context, path string) (int, int, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	var n, version int
	if err := db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return 0, 0, fmt.Errorf("archive %s: %w", path, err)
	}
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM items`).Scan(&n); err != nil {
		return 0, 0, nil // not an archive this benchmark made: built again
	}
	return n, version, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile is the nearest-rank percentile of ds.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func fileSizes(paths ...string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}

// likeSearch is the baseline: every word of q as a substring of the
// title, text or author, newest first, as a scan.
func likeSearch(ctx context.Context, db *sql.DB, board, q string, limit int) (int, error) {
	where := []string{}
	var args []any
	for _, w := range searchWords(q) {
		where = append(where, "(i.title LIKE ? OR i.text LIKE ? OR i.author LIKE ?)")
		p := "%" + w + "%"
		args = append(args, p, p, p)
	}
	if board != watch.BoardAll {
		where = append(where, "h.operations LIKE ?")
		args = append(args, "%,"+board+",%")
	}
	rows, err := db.QueryContext(ctx, `SELECT h.id, h.list, i.title, i.text, i.author, i.url FROM hits h JOIN items i ON i.id = h.item_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY h.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// searchItems makes realistic items from the corpus, deterministically:
// each is a corpus item's title, a window of its text and a few words
// drawn from the corpus' vocabulary at their frequency.
type searchItems struct {
	docs  []benchDoc
	words [][]string // each doc's words
	vocab []string   // every word of the corpus, with repeats
}

func newSearchItems(docs []benchDoc) *searchItems {
	g := &searchItems{docs: docs}
	for _, d := range docs {
		w := searchWords(d.Title + " " + d.Text)
		g.words = append(g.words, w)
		g.vocab = append(g.vocab, w...)
	}
	if len(g.vocab) == 0 {
		g.vocab = []string{"empty"}
	}
	return g
}

var benchFound = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *searchItems) items(from, n int) []store.ImportedItem {
	out := make([]store.ImportedItem, 0, n)
	for k := from; k < from+n; k++ {
		r := rand.New(rand.NewPCG(uint64(k), 7))
		i := r.IntN(len(g.docs))
		d, w := g.docs[i], g.words[i]
		start := 0
		if len(w) > 40 {
			start = r.IntN(len(w) - 40)
		}
		text := strings.Join(w[start:min(len(w), start+40)], " ")
		for range 8 {
			text += " " + g.vocab[r.IntN(len(g.vocab))]
		}
		author := d.Author
		if author == "" {
			author = fmt.Sprintf("@user%d", r.IntN(20000))
		}
		var ops []string
		switch k % 3 {
		case 0:
			ops = []string{"op1"}
		case 1:
			ops = []string{"op2"}
		}
		title := d.Title
		if len(title) > 200 {
			title = title[:200]
		}
		out = append(out, store.ImportedItem{
			Item: watch.Item{SourceID: fmt.Sprintf("src%d", k%8), Key: fmt.Sprint(k), URL: fmt.Sprintf("https://example.org/%d", k),
				Author: author, Title: title, Text: text, Found: benchFound.Add(time.Duration(k) * time.Second)},
			Hits: []watch.Hit{{ListID: fmt.Sprintf("list%d", k%5), Terms: []string{}, Operations: ops}},
		})
	}
	return out
}

// queries are common words, rare words, a two-word phrase, a prefix, a
// word found nowhere and board-filtered ones, chosen from the corpus'
// word counts.
func (g *searchItems) queries() []searchQuery {
	count := map[string]int{}
	for _, w := range g.vocab {
		count[w]++
	}
	var ws []string
	for w := range count {
		if len(w) >= 4 && isASCIILetters(w) {
			ws = append(ws, w)
		}
	}
	slices.SortFunc(ws, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	var qs []searchQuery
	add := func(kind, board, q string) { qs = append(qs, searchQuery{kind, board, q}) }
	for _, w := range ws[:min(3, len(ws))] {
		add("common", "all", w)
	}
	for i := len(ws) - 1; i >= 0 && len(ws)-i <= 3; i-- {
		add("rare", "all", ws[i])
	}
	// a phrase: two neighbouring words of the longest corpus item
	long := 0
	for i, w := range g.words {
		if len(w) > len(g.words[long]) {
			long = i
		}
	}
	for j := 0; j+1 < len(g.words[long]); j++ {
		a, b := g.words[long][j], g.words[long][j+1]
		if len(a) >= 4 && len(b) >= 4 && isASCIILetters(a) && isASCIILetters(b) {
			add("phrase", "all", a+" "+b)
			break
		}
	}
	// prefixes: three letters of three common words, and two of one, each
	// a prefix of many words
	for _, w := range ws[1:min(4, len(ws))] {
		add("prefix", "all", w[:3])
	}
	if len(ws) > 4 {
		add("prefix", "all", ws[4][:2])
	}
	if len(ws) > 1 {
		add("board", "op1", ws[0])
		add("board", "op2", ws[2%len(ws)]+" "+ws[len(ws)/2])
	}
	add("absent", "all", "zqxjvkw")
	return qs
}
