package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// ftsMigration is the schema version that moved search to FTS5.
const ftsMigration = 18

// fts4Query is the MATCH expression the FTS4 index was asked before
// migration 18 (the previous ftsQuery): the reference the migrated index
// must answer as.
func fts4Query(q string) string {
	var want, not []string
	for _, t := range ParseSearch(q) {
		s := `"` + strings.Join(t.Words, " ")
		if t.Prefix {
			s += "*"
		}
		s += `"`
		if t.Exclude {
			not = append(not, s)
		} else {
			want = append(want, s)
		}
	}
	if len(want) == 0 {
		return ""
	}
	m := strings.Join(want, " ")
	if len(not) > 0 {
		m = "(" + m + ") NOT " + strings.Join(not, " NOT ")
	}
	return m
}

// migrationVocab mixes scripts, diacritics and words sharing prefixes, so
// prefixes, phrases and exclusions each find some items and not others.
var migrationVocab = strings.Fields(`party parties partial park parking rave raving warehouse ware
	canal street streets crowd crowds gathering gather river riverside free freedom sound system
	tonight music musician drill dance dancing police café cafe naïve Zürich zurich
	вечеринка вечер парк музыка Straße strasse fête fete 2026 10pm 500 bit ly`)

// migrationItems are n items drawn from migrationVocab, deterministically,
// a third on op1 and a third on op2.
func migrationItems(from, n int) []ImportedItem {
	var out []ImportedItem
	word := func(r *rand.Rand) string { return migrationVocab[r.IntN(len(migrationVocab))] }
	for k := from; k < from+n; k++ {
		r := rand.New(rand.NewPCG(uint64(k), 16))
		var title, text []string
		for range 1 + r.IntN(5) {
			title = append(title, word(r))
		}
		for range 4 + r.IntN(20) {
			text = append(text, word(r))
		}
		var ops []string
		switch k % 3 {
		case 0:
			ops = []string{"op1"}
		case 1:
			ops = []string{"op2"}
		}
		out = append(out, ImportedItem{
			Item: watch.Item{SourceID: "src", Key: fmt.Sprint(k), Author: fmt.Sprintf("@%s%d", word(r), k%7),
				Title: strings.Join(title, " "), Text: strings.Join(text, ", ")},
			Hits: []watch.Hit{{ListID: "l", Operations: ops}},
		})
	}
	return out
}

// migrationQueries are every kind the search box takes: words, prefixes
// of one to four letters, phrases (whole and with a prefix), exclusions
// of words, prefixes and phrases, authors, boards, other scripts, case and
// diacritics, and what finds nothing.
var migrationQueries = []struct{ board, q string }{
	{"all", "party"}, {"all", "PARTY"}, {"all", "par"}, {"all", "pa"}, {"all", "p"}, {"all", "ware"},
	{"all", "wa"}, {"all", "canal street"}, {"all", `"canal street"`}, {"all", `"street canal"`},
	{"all", `"free sou*"`}, {"all", `"free sou"`}, {"all", "party -rave"}, {"all", "party -ra*"},
	{"all", `crowd -"canal street"`}, {"all", "crowd -crowds"}, {"all", "drill"}, {"all", "driller"},
	{"all", "cafe"}, {"all", "café"}, {"all", "naive"}, {"all", "zurich"}, {"all", "zür"},
	{"all", "strasse"}, {"all", "straße"}, {"all", "fête"}, {"all", "вечер"}, {"all", "вечеринка"},
	{"all", "парк -музыка"}, {"all", "2026"}, {"all", "10pm"}, {"all", "bit.ly"}, {"all", "-bit.ly party"},
	{"all", "@police3"}, {"all", "police3"}, {"all", "rave party music dance"}, {"all", "nothingmatches"},
	{"all", "-party"}, {"all", ""}, {"all", `party" OR "rave`}, {"op1", "party"}, {"op2", "canal -street"},
	{"op1", `"sound system" -tonight`}, {"op2", "ri"},
}

// searchIDs are the item keys a search finds, as the FTS4 index before
// migration 18 found them (legacy) or as Store.Search does.
func searchIDs(t *testing.T, s *Store, legacy bool, board, q string, limit int) []string {
	t.Helper()
	if !legacy {
		hs, err := s.Search(context.Background(), board, q, limit)
		if err != nil {
			t.Fatalf("%s %q: %v", board, q, err)
		}
		var out []string
		for _, h := range hs {
			out = append(out, h.Item.Key)
		}
		return out
	}
	m := fts4Query(q)
	if m == "" {
		return nil
	}
	where, args := boardFilter(board, "h.operations")
	rows, err := s.r.Query(`SELECT i.key FROM items_fts CROSS JOIN items i ON i.id = items_fts.docid
		CROSS JOIN hits h ON h.item_id = i.id WHERE items_fts MATCH ? AND `+where+` ORDER BY items_fts.docid DESC LIMIT ?`,
		append(append([]any{m}, args...), limit)...)
	if err != nil {
		t.Fatalf("fts4 %s %q: %v", board, q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func fileSHA256(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A database as the build before FTS5 left it (schema 17, FTS4, items
// written through its triggers and some deleted) is copied and the copy
// opened: every search of the mix finds the same items in the same order
// as the FTS4 index did, new and deleted items reach the new index, and
// the original file is untouched, still FTS4.
func TestMigrationToFTS5OnACopy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	orig := filepath.Join(dir, "old.db")
	old, err := openAt(ctx, orig, watchtest.Logger(), Options{}, ftsMigration-1)
	if err != nil {
		t.Fatal(err)
	}
	for from := 0; from < 3000; from += 1000 {
		if err := old.ImportItems(ctx, migrationItems(from, 1000)); err != nil {
			t.Fatal(err)
		}
	}
	// retention removed some: the FTS4 delete trigger took them out
	if _, err := old.w.Exec(`DELETE FROM items WHERE id % 10 = 3`); err != nil {
		t.Fatal(err)
	}
	const limit = 3000
	want := map[string][]string{}
	for _, c := range migrationQueries {
		want[c.board+" "+c.q] = searchIDs(t, old, true, c.board, c.q, limit)
	}
	if n := len(want["all par"]); n < 100 || n > 2800 {
		t.Fatalf("the mix should find some items and not others: %d for par", n)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(orig + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("the old database left a WAL behind: %v", err)
	}
	sum := fileSHA256(t, orig)

	cp := filepath.Join(dir, "copy.db")
	copyFile(t, orig, cp)
	s, err := Open(ctx, cp, watchtest.Logger(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ddl string
	// prefixes of two to five characters have their own lists: a common
	// word typed whole reads the newest of one list, not a merge of all
	if err := s.r.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'items_fts'`).Scan(&ddl); err != nil ||
		!strings.Contains(ddl, "fts5") || !strings.Contains(ddl, "prefix='2 3 4 5'") {
		t.Fatalf("items_fts after migrating: %q, %v", ddl, err)
	}
	for _, c := range migrationQueries {
		w := want[c.board+" "+c.q]
		if got := searchIDs(t, s, false, c.board, c.q, limit); !slices.Equal(got, w) {
			t.Errorf("%s %q: %d items after migrating, %d before\nafter  %v\nbefore %v", c.board, c.q, len(got), len(w), head(got), head(w))
		}
		if got := searchIDs(t, s, false, c.board, c.q, 10); !slices.Equal(got, w[:min(10, len(w))]) {
			t.Errorf("%s %q, first page: %v, before %v", c.board, c.q, got, w[:min(10, len(w))])
		}
	}

	// the new index's triggers: a new item is found, a deleted one is not
	if _, _, err := s.RecordItem(ctx, watch.Item{SourceID: "src", Key: "new", Title: "Zebracrossing party"}, []watch.Hit{{ListID: "l"}}); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, false, "all", "zebra", 10); !slices.Equal(got, []string{"new"}) {
		t.Errorf("new item: %v", got)
	}
	if _, err := s.w.Exec(`DELETE FROM items WHERE key = 'new'`); err != nil {
		t.Fatal(err)
	}
	if got := searchIDs(t, s, false, "all", "zebra", 10); len(got) != 0 {
		t.Errorf("deleted item still found: %v", got)
	}
	if _, err := s.w.Exec(`INSERT INTO items_fts(items_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("the FTS5 index does not match items: %v", err)
	}

	if got := fileSHA256(t, orig); got != sum {
		t.Errorf("the original database changed: %s, was %s", got, sum)
	}
	db, err := sql.Open("sqlite3", "file:"+orig+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != ftsMigration-1 {
		t.Errorf("original's version %d, %v", v, err)
	}
}

func head(s []string) []string { return s[:min(len(s), 12)] }
