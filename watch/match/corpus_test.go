package match_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/watchroom/watchroom/watch/match"
)

const corpusDir = "../../../shared/corpus"

// feedItems reads the items or entries of an RSS or Atom sample, in its
// declared charset, with markup stripped from their text.
func feedItems(t testing.TB, name string) []match.Doc {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatalf("corpus sample missing: %v", err)
	}
	defer f.Close()
	dec := xml.NewDecoder(f)
	dec.CharsetReader = charset.NewReaderLabel
	dec.Strict = false
	var docs []match.Doc
	var cur *match.Doc
	var field string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "item", "entry":
				docs = append(docs, match.Doc{})
				cur = &docs[len(docs)-1]
			case "title", "description", "content", "summary", "encoded":
				field = tok.Name.Local
			}
		case xml.EndElement:
			field = ""
		case xml.CharData:
			if cur == nil || field == "" {
				continue
			}
			if field == "title" {
				cur.Title += string(tok)
			} else {
				cur.Text += stripTags(string(tok)) + "\n"
			}
		}
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no items", name)
	}
	return docs
}

func stripTags(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}

// telegramPosts reads the message texts of a t.me/s page.
func telegramPosts(t *testing.T, name string) []match.Doc {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatalf("corpus sample missing: %v", err)
	}
	var docs []match.Doc
	for _, m := range regexp.MustCompile(`(?s)tgme_widget_message_text[^>]*>(.*?)</div>`).FindAllStringSubmatch(string(b), -1) {
		docs = append(docs, match.Doc{Text: stripTags(m[1])})
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no posts", name)
	}
	return docs
}

func TestMatchRealText(t *testing.T) {
	tests := []struct {
		sample string
		query  string
		// want: for the first matching item, what each span covers
		want []string
		// items: how many items match
		items int
	}{
		{"rss/bbc_urdu_utf8_rtl.xml", `"وزیر دفاع"`, []string{"title:وزیر دفاع"}, 4},
		{"rss/bbc_urdu_utf8_rtl.xml", `امریکی NEAR/0 امداد`, []string{"title:امداد", "text:امریکی", "text:امداد"}, 1},
		{"rss/bbc_urdu_utf8_rtl.xml", `امریکی NEAR/1 امداد`, nil, 2},
		{"rss/bbc_urdu_utf8_rtl.xml", `title:(خفیہ NEAR/1 معلومات)`, nil, -1},
		{"rss/kc0011_gb2312_nonstandard_pubdate.xml", `和平鸽`, []string{"title:和平鸽"}, 1},
		{"rss/kc0011_gb2312_nonstandard_pubdate.xml", `title:"纪念 华表"`, []string{"title:纪念，华表"}, 1},
		{"atom/touchnokia_ru_movabletype.xml", `"невидимая броня"`, []string{"title:Невидимая броня"}, -1},
		{"atom/touchnokia_ru_movabletype.xml", `title:программы NEAR/2 nokia`, nil, -1},
		{"rss/golem_de_iso-8859-1.xml", `"red dead redemption"`, []string{"title:Red Dead Redemption"}, -1},
		{"rss/golem_de_iso-8859-1.xml", `rockstar NEAR/1 games -twitch`, nil, -1},
		{"telegram/durov_t.me_s_page.html", `whatsapp NEAR/4 fraud`, nil, 1},
		{"telegram/durov_t.me_s_page.html", `🤖 telegram`, nil, -1},
		{"telegram/durov_t.me_s_page.html", `⚙ AND bot*`, nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.sample+" "+tt.query, func(t *testing.T) {
			var docs []match.Doc
			if strings.HasSuffix(tt.sample, ".html") {
				docs = telegramPosts(t, tt.sample)
			} else {
				docs = feedItems(t, tt.sample)
			}
			if _, err := match.Parse(tt.query); err != nil {
				// title:( ... ) is not in the language; the case checks the
				// parser rejects it rather than ignoring the field.
				if !strings.Contains(tt.query, "title:(") {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			m, err := match.Compile([]match.List{{ID: "l", Query: tt.query}})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			var first []string
			for _, d := range docs {
				res := m.Match(d)
				if len(res) == 0 {
					continue
				}
				if n == 0 {
					for _, s := range res[0].Spans {
						src := map[string]string{"title": d.Title, "text": d.Text}[s.Field]
						first = append(first, s.Field+":"+src[s.Start:s.End])
					}
				}
				n++
			}
			switch {
			case tt.items >= 0 && n != tt.items:
				t.Errorf("%d items match, want %d", n, tt.items)
			case tt.items < 0 && n == 0:
				t.Errorf("no item matches")
			}
			if tt.want != nil && !slices.Equal(first[:min(len(first), len(tt.want))], tt.want) {
				t.Errorf("first match covers %q, want %q", first, tt.want)
			}
		})
	}
}
