package bench

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
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
	dir := fs.String("dir", "", "directory for the database (default: a temporary one, removed after)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *n < 1 || *runs < 1 {
		fmt.Fprintln(stderr, "watchroom bench search: --items and --runs must be positive")
		return 2
	}
	docs, err := loadCorpusItems(*corpusDir)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
		return 1
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "watchroom-bench-search-")
		if err != nil {
			fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	path := filepath.Join(*dir, "search.db")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(ctx, path, logger, store.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
		return 1
	}
	defer st.Close()

	gen := newSearchItems(docs)
	start := time.Now()
	const batch = 20000
	for done := 0; done < *n; done += batch {
		if ctx.Err() != nil {
			return 1
		}
		if err := st.ImportItems(ctx, gen.items(done, min(batch, *n-done))); err != nil {
			fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
			return 1
		}
	}
	build := time.Since(start)
	size := fileSizes(path, path+"-wal")
	fmt.Fprintf(stdout, "store: %d items from %d corpus items in %v, %.1f MB on disk\n", *n, len(docs), build.Round(time.Millisecond), float64(size)/1e6)

	queries := gen.queries()
	var lat []time.Duration
	for _, q := range queries {
		var best time.Duration
		found := 0
		for r := range *runs {
			t0 := time.Now()
			hits, err := st.Search(ctx, q.board, q.q, 100)
			d := time.Since(t0)
			if err != nil {
				fmt.Fprintf(stderr, "watchroom bench search: %q: %v\n", q.q, err)
				return 1
			}
			lat = append(lat, d)
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
		fmt.Fprintf(stderr, "watchroom bench search: %v\n", err)
		return 1
	}
	defer db.Close()
	var base []time.Duration
	for _, q := range queries {
		t0 := time.Now()
		found, err := likeSearch(ctx, db, q.board, q.q, 100)
		d := time.Since(t0)
		if err != nil {
			fmt.Fprintf(stderr, "watchroom bench search: baseline %q: %v\n", q.q, err)
			return 1
		}
		base = append(base, d)
		fmt.Fprintf(stdout, "  like    %-4s %-24q %3d hits  %v\n", q.board, q.q, found, d.Round(time.Microsecond))
	}
	p50, p99, bp99 := percentile(lat, 50), percentile(lat, 99), percentile(base, 99)
	fmt.Fprintf(stdout, "search items=%d queries=%d p50_ms=%.2f p99_ms=%.2f baseline_p99_ms=%.1f speedup=%.1f\n",
		*n, len(queries), ms(p50), ms(p99), ms(bp99), ms(bp99)/max(ms(p99), 0.001))
	return 0
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
	if len(ws) > 1 {
		add("prefix", "all", ws[1][:3])
		add("board", "op1", ws[0])
		add("board", "op2", ws[2%len(ws)]+" "+ws[len(ws)/2])
	}
	add("absent", "all", "zqxjvkw")
	return qs
}
