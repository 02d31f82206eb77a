package source_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

// parseAs parses body as kind, through ParsePage when the kind pages.
func parseAs(t testing.TB, kind string, body []byte, m source.Meta) (source.Page, error) {
	t.Helper()
	p, ok := source.Lookup(kind)
	if !ok {
		t.Fatalf("no parser for kind %s", kind)
	}
	if m.SourceID == "" {
		m.SourceID = "src"
	}
	m.Found = found
	if pg, ok := p.(source.Pager); ok {
		return pg.ParsePage(context.Background(), body, m)
	}
	items, err := p.Parse(context.Background(), body, m)
	return source.Page{Items: items}, err
}

// parsePath reads a file and parses it as kind; a parse error fails the test.
func parsePath(t *testing.T, kind, path string, m source.Meta) source.Page {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	page, err := parseAs(t, kind, body, m)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	for _, it := range page.Items {
		checkKindInvariants(t, it)
	}
	return page
}

// want lists what to check on one item. Empty strings are not checked;
// pub "zero" asks for no time. start and end are RFC 3339 and are checked
// with their offset. media nil is not checked; an empty list asks for none.
type want struct {
	i                                    int
	key, url, title, author, lang, where string
	textHas, textIs                      string
	pub, start, end                      string
	media                                []string
	noTitle, noURL, noAuthor             bool
}

func checkWant(t *testing.T, items []watch.Item, w want) {
	t.Helper()
	if w.i >= len(items) {
		t.Errorf("no item %d (%d items)", w.i, len(items))
		return
	}
	it := items[w.i]
	eq := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("item %d %s = %q, want %q", w.i, field, got, want)
		}
	}
	eq("Key", it.Key, w.key)
	eq("URL", it.URL, w.url)
	eq("Title", it.Title, w.title)
	eq("Author", it.Author, w.author)
	eq("Language", it.Language, w.lang)
	eq("Location", it.Location, w.where)
	eq("Text", it.Text, w.textIs)
	if w.textHas != "" && !strings.Contains(it.Text, w.textHas) {
		t.Errorf("item %d Text = %q, want it to contain %q", w.i, it.Text, w.textHas)
	}
	if w.noTitle && it.Title != "" {
		t.Errorf("item %d Title = %q, want none", w.i, it.Title)
	}
	if w.noURL && it.URL != "" {
		t.Errorf("item %d URL = %q, want none", w.i, it.URL)
	}
	if w.noAuthor && it.Author != "" {
		t.Errorf("item %d Author = %q, want none", w.i, it.Author)
	}
	if w.media != nil && !slices.Equal(it.MediaLinks, w.media) {
		t.Errorf("item %d MediaLinks = %q, want %q", w.i, it.MediaLinks, w.media)
	}
	checkTime(t, w.i, "Published", it.Published, w.pub, true)
	checkTime(t, w.i, "EventStart", it.EventStart, w.start, false)
	checkTime(t, w.i, "EventEnd", it.EventEnd, w.end, false)
}

// checkTime compares got with an RFC 3339 time: the same instant and, for
// event times, the same offset; in UTC when inUTC.
func checkTime(t *testing.T, i int, field string, got time.Time, want string, inUTC bool) {
	t.Helper()
	switch want {
	case "":
		return
	case "zero":
		if !got.IsZero() {
			t.Errorf("item %d %s = %s, want zero", i, field, got)
		}
		return
	}
	w, err := time.Parse(time.RFC3339Nano, want)
	if err != nil {
		t.Fatal(err)
	}
	_, gotOff := got.Zone()
	_, wantOff := w.Zone()
	switch {
	case !got.Equal(w):
		t.Errorf("item %d %s = %s, want %s", i, field, got.Format(time.RFC3339Nano), want)
	case inUTC && got.Location() != time.UTC:
		t.Errorf("item %d %s = %s, want it in UTC", i, field, got)
	case !inUTC && gotOff != wantOff:
		t.Errorf("item %d %s = %s, want offset of %s", i, field, got.Format(time.RFC3339), want)
	}
}

var languageForm = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// checkKindInvariants holds for every item of every kind: those of feeds,
// and media links, language and location within bounds.
func checkKindInvariants(t testing.TB, it watch.Item) {
	t.Helper()
	checkInvariants(t, it)
	if len(it.MediaLinks) > 20 {
		t.Errorf("%d media links", len(it.MediaLinks))
	}
	for _, l := range it.MediaLinks {
		if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || len(l) > 2048 || !utf8.ValidString(l) {
			t.Errorf("media link %q", l)
		}
	}
	if it.Language != "" && !languageForm.MatchString(it.Language) {
		t.Errorf("Language %q", it.Language)
	}
	if n := utf8.RuneCountInString(it.Location); n > 500 || it.Location != strings.TrimSpace(it.Location) || strings.ContainsAny(it.Location, "\n\t\r\x00") {
		t.Errorf("Location %q", it.Location)
	}
}

// corpusFile is the path of a real-world sample.
func corpusFile(kind, name string) string { return filepath.Join(corpusDir, kind, name) }

// seedCorpus adds every file of the corpus folders and of testdata
// matching prefix to a fuzz target's seeds.
func seedCorpus(f *testing.F, prefix string, dirs ...string) {
	var files []string
	for _, d := range dirs {
		m, _ := filepath.Glob(filepath.Join(corpusDir, d, "*"))
		files = append(files, m...)
	}
	m, _ := filepath.Glob(filepath.Join("testdata", prefix+"*"))
	files = append(files, m...)
	if len(files) == 0 {
		f.Fatalf("no seed files for %s", prefix)
	}
	for _, file := range files {
		if body, err := os.ReadFile(file); err == nil {
			f.Add(body)
		}
	}
}

// fuzzKind is the body of every kind's fuzz target: no panic, errors that
// wrap ErrUnparseable, items within bounds.
func fuzzKind(t *testing.T, kind string, body []byte, m source.Meta) {
	page, err := parseAs(t, kind, body, m)
	if err != nil {
		if !errors.Is(err, source.ErrUnparseable) {
			t.Fatalf("error not wrapping ErrUnparseable: %v", err)
		}
		return
	}
	if len(page.Items) > 500 {
		t.Fatalf("%d items", len(page.Items))
	}
	for _, it := range page.Items {
		checkKindInvariants(t, it)
	}
	if page.Next != "" && !strings.HasPrefix(page.Next, "http") {
		t.Fatalf("Next %q", page.Next)
	}
}

// unparseable asserts that each body fails to parse as kind with an error
// wrapping ErrUnparseable, and that the error says want.
func unparseable(t *testing.T, kind string, m source.Meta, cases map[string]struct{ body, says string }) {
	t.Helper()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			page, err := parseAs(t, kind, []byte(c.body), m)
			if !errors.Is(err, source.ErrUnparseable) {
				t.Fatalf("got %d items, err %v; want ErrUnparseable", len(page.Items), err)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("err = %q, want it to say %q", err, c.says)
			}
		})
	}
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return body
}

// contextCancelled is a context already cancelled.
func contextCancelled() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx, cancel
}
