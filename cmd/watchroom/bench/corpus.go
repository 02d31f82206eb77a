package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

	"github.com/watchroom/watchroom/watch/match"
)

// benchDoc is one item of the benchmark corpus.
type benchDoc = match.Doc

// loadCorpusItems reads the items of every sample under dir: feed entries,
// JSON posts, pages and calendar events, as plain text without markup.
func loadCorpusItems(dir string) ([]benchDoc, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w (give --corpus DIR: the shared sample corpus)", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus %s: not a directory", dir)
	}
	var docs []benchDoc
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".xml", ".html", ".json", ".ics":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		docs = append(docs, extractItems(path, toUTF8(b))...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("corpus %s: %w", dir, err)
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("corpus %s: no items found in .xml, .html, .json or .ics files", dir)
	}
	return docs, nil
}

var declaredCharset = regexp.MustCompile(`(?i)(?:encoding|charset)=["']?([\w-]+)`)

// toUTF8 decodes a sample in its declared charset; undeclared bytes that are
// not UTF-8 are read as Windows-1252, as browsers do.
func toUTF8(b []byte) string {
	head := b[:min(len(b), 1024)]
	if m := declaredCharset.FindSubmatch(head); m != nil {
		if enc, name := charset.Lookup(string(m[1])); enc != nil && name != "utf-8" {
			if out, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(out)
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(out)
}

func extractItems(path, s string) []benchDoc {
	switch filepath.Ext(path) {
	case ".json":
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return splitDoc(benchDoc{Text: stripMarkup(s)})
		}
		var texts []string
		collectStrings(v, &texts)
		return splitDoc(benchDoc{Text: strings.Join(texts, "\n")})
	case ".ics":
		var texts []string
		for _, line := range strings.Split(s, "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && (strings.HasPrefix(k, "SUMMARY") || strings.HasPrefix(k, "DESCRIPTION") || strings.HasPrefix(k, "LOCATION")) {
				texts = append(texts, strings.NewReplacer(`\n`, "\n", `\,`, ",", `\;`, ";").Replace(v))
			}
		}
		return splitDoc(benchDoc{Text: strings.Join(texts, "\n")})
	}
	return markupItems(s)
}

// collectStrings gathers the prose of a JSON document: strings with a space
// in them, markup stripped.
func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		if strings.Contains(v, " ") && !strings.HasPrefix(v, "http") {
			*out = append(*out, stripMarkup(v))
		}
	case []any:
		for _, x := range v {
			collectStrings(x, out)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			collectStrings(v[k], out)
		}
	}
}

// markupItems splits a feed or page into items at <item> and <entry>, with
// the text of <title> as the title; a page without them is one item.
func markupItems(s string) []benchDoc {
	z := html.NewTokenizer(strings.NewReader(s))
	var docs []benchDoc
	var cur benchDoc
	var text strings.Builder
	inTitle, skip := false, 0
	flush := func() {
		cur.Text = text.String()
		if strings.TrimSpace(cur.Text) != "" || cur.Title != "" {
			docs = append(docs, splitDoc(cur)...)
		}
		cur, inTitle = benchDoc{}, false
		text.Reset()
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			flush()
			return docs
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "item", "entry":
				if tt == html.StartTagToken {
					flush()
				}
			case "title":
				inTitle = tt == html.StartTagToken
			case "script", "style":
				if tt == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if strings.Contains(t, "<") { // escaped markup inside a feed
				t = stripMarkup(t)
			}
			t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSuffix(t, "]]>"), "<![CDATA["))
			if t == "" {
				continue
			}
			if inTitle && cur.Title == "" {
				cur.Title = t
				continue
			}
			text.WriteString(t)
			text.WriteByte('\n')
		}
	}
}

func stripMarkup(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(bytes.TrimSpace(z.Text()))
			b.WriteByte(' ')
		}
	}
}

// splitDoc cuts long pages into items of at most about 4 KB, the size of a
// long post, at line ends.
func splitDoc(d benchDoc) []benchDoc {
	const maxItem = 4 << 10
	if len(d.Text) <= maxItem {
		return []benchDoc{d}
	}
	var out []benchDoc
	rest := d.Text
	for len(rest) > 0 {
		cut := len(rest)
		if cut > maxItem {
			cut = strings.LastIndexByte(rest[:maxItem], '\n') + 1
			if cut <= 0 {
				cut = strings.LastIndexByte(rest[:maxItem], ' ') + 1
			}
			if cut <= 0 {
				cut = maxItem
				for !utf8.RuneStart(rest[cut]) {
					cut--
				}
			}
		}
		out = append(out, benchDoc{Title: d.Title, Text: rest[:cut]})
		rest = rest[cut:]
	}
	return out
}

// buildCorpus repeats the items, in a fresh deterministic order each round,
// until they hold at least size bytes.
func buildCorpus(items []benchDoc, size int) ([]benchDoc, int, error) {
	base := 0
	for _, d := range items {
		base += len(d.Title) + len(d.Text)
	}
	if base == 0 {
		return nil, 0, errors.New("corpus items hold no text")
	}
	rng := rand.New(rand.NewPCG(3, 1))
	var docs []benchDoc
	total := 0
	for total < size {
		order := rng.Perm(len(items))
		for _, i := range order {
			docs = append(docs, items[i])
			total += len(items[i].Title) + len(items[i].Text)
		}
	}
	return docs, total, nil
}
