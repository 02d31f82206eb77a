package source_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

// corpusDir holds real feeds captured in the wild (see its README); it sits
// beside the repository and is always present.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpus")

// corpusKinds are the corpus folders whose files a feed poller may be
// pointed at; the JSON APIs among them must fail cleanly.
var corpusKinds = []string{"rss", "atom", "jsonfeed", "youtube", "reddit", "mastodon"}

var found = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func feedParser(t testing.TB) source.Parser {
	t.Helper()
	p, ok := source.Lookup(source.KindFeed)
	if !ok {
		t.Fatal("no parser for kind feed")
	}
	return p
}

func parseFile(t *testing.T, path string, m source.Meta) ([]watch.Item, error) {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if m.SourceID == "" {
		m.SourceID = "src"
	}
	m.Found = found
	return feedParser(t).Parse(context.Background(), body, m)
}

// itemWant lists the fields to check on one item; empty strings are not
// checked, except Published where "zero" asks for the zero time.
type itemWant struct {
	index                   int
	key, url, title, author string
	published               string // RFC 3339, or "zero"
	textHas                 string
	titleEmpty              bool
}

func TestFeedCorpus(t *testing.T) {
	tests := []struct {
		file    string
		feedURL string
		count   int
		unparse bool
		items   []itemWant
	}{
		{file: "rss/golem_de_iso-8859-1.xml", count: 40, items: []itemWant{
			{index: 0, key: "https://www.golem.de/1810/137358-rss.html",
				url:       "https://www.golem.de/news/red-dead-redemption-2-hinweise-auf-pc-umsetzung-in-app-von-rockstar-games-1810-137358-rss.html",
				title:     "Red Dead Redemption 2: Hinweise auf PC-Umsetzung in App von Rockstar Games",
				published: "2018-10-28T12:48:00Z", textHas: "Viele Spieler wünschen sich eine PC-Version"},
			{index: 1, textHas: "Unter anderem soll es künftig Übertragungen"},
		}},
		{file: "rss/ibash_org_ru_windows-1251.xml", count: 50, items: []itemWant{
			{index: 0, key: "http://ibash.org.ru/quote.php?id=17703", url: "http://ibash.org.ru/quote.php?id=17703",
				title: "Цитата #17703", published: "2018-03-21T07:27:32Z",
				textHas: "xxx: есть у кого жаба программер xxx: кот немного пхп знает?"},
		}},
		{file: "rss/bbc_urdu_utf8_rtl.xml", count: 26, items: []itemWant{
			{index: 1, url: "http://www.bbc.com/urdu/pakistan-42645212",
				title:     "امریکہ کے ساتھ خفیہ معلومات کا تبادلہ اور فوجی تعاون معطل کر دیا: وزیر دفاع",
				published: "2018-01-11T13:20:55Z", textHas: "پاکستان کے وزیر دفاع خرم دستگیر"},
		}},
		{file: "rss/le_cercle_psy_no_xml_decl_iso-8859-1.xml", count: 10, items: []itemWant{
			{index: 0, title: "Perturbateurs endocriniens : quels effets sur le cerveau ?",
				published: "2018-10-17T10:30:00Z", textHas: "pourraient être à l'origine de troubles neuro-développementaux chez l'enfant."},
		}},
		{file: "rss/heise_rss090_rdf.xml", count: 60, items: []itemWant{
			{index: 1, title: "Mega-Deal: IBM übernimmt Red Hat", published: "zero",
				url: "https://www.heise.de/newsticker/meldung/Mega-Deal-IBM-uebernimmt-Red-Hat-4205582.html?wt_mc=rss.ho.beitrag.rdf",
				key: "https://www.heise.de/newsticker/meldung/Mega-Deal-IBM-uebernimmt-Red-Hat-4205582.html?wt_mc=rss.ho.beitrag.rdf"},
		}},
		{file: "rss/kc0011_gb2312_nonstandard_pubdate.xml", count: 20, items: []itemWant{
			{index: 0, title: "建国35周年纪念，华表，和平鸽", author: "大鱼儿", published: "2020-01-10T14:33:00Z",
				url: "http://www.kc0011.net/dispbbs.asp?BoardID=10&ID=25164257&Page=1", textHas: "35周年1套520，华表60一个"},
			{index: 1, title: "出南京泰山5盒，原盒看图", author: "zbcx", published: "2020-01-10T14:28:00Z"},
		}},
		{file: "rss/fcutrecht_broken_phpxml_declaration.xml", count: 20, items: []itemWant{
			{index: 0, title: "Serdar Gözübüyük scheidsrechter bij FC Twente - FC Utrecht", published: "2021-09-06T10:17:00Z",
				url: "https://www.fcutrecht.net/nieuws/serdar-g-z-b-y-k-scheidsrechter-bij-fc-twente-fc-utrecht~8805"},
		}},
		{file: "rss/donthitsave_utf8_bom_crlf.xml", count: 10, items: []itemWant{
			// No GUID: the link is the identity.
			{index: 0, title: "Skipping Around", published: "2019-05-24T07:00:00Z",
				key: "https://donthitsave.com/comic/2019/05/24/skipping-around", textHas: "I was nearly murdered by a coconut today."},
		}},
		{file: "rss/androidauthority_leading_blank_lines.xml", count: 1, items: []itemWant{
			{index: 0, title: "Japan’s plans for 5G include 10 billion 14-digit phone numbers", author: "Williams Pelegrin",
				published: "2019-05-15T20:48:02Z", key: "https://www.androidauthority.com/?p=986823"},
		}},
		{file: "rss/lucasdelirium_raw_html_in_description.xml", count: 1, items: []itemWant{
			{index: 0, title: "AGGIORNAMENTO DEL 28-9-2025", published: "2025-09-28T12:00:00Z",
				textHas: "L'Ordine dei Giganti: è arrivato il DLC di Indy - Keeper, ultimo giro"},
		}},

		{file: "atom/dustri_org_large.xml", count: 25, items: []itemWant{
			{index: 1, title: "Carrot disclosure", url: "https://dustri.org/b/carrot-disclosure.html", author: "jvoisin",
				published: "2024-03-08T20:30:00Z", key: "tag:dustri.org,2024-03-08:/b/carrot-disclosure.html"},
		}},
		{file: "atom/github_commits.xml", count: 20, items: []itemWant{
			{index: 0, title: "Parse podcast categories", author: "fguillot", published: "2024-03-12T05:30:27Z",
				key: "tag:github.com,2008:Grit::Commit/6d97f8b4582414b6ce69467656824690057d4793"},
		}},
		{file: "atom/touchnokia_ru_movabletype.xml", count: 15, items: []itemWant{
			{index: 0, title: "Невидимая броня для Вашего Nokia 5800", author: "iPod", published: "2009-09-09T14:19:45Z",
				textHas: "Вы из тех, кто хотел бы защитить корпус"},
		}},
		{file: "atom/blogger_4fsodonline_single_quotes.xml", count: 25, items: []itemWant{
			{index: 0, title: "4FSOD Documentary: Bloopers and Stuff", author: "Anthony", published: "2007-12-15T07:15:00Z",
				url: "http://4fsodonline.blogspot.com/2007/12/4fsod-documentary-bloopers-and-stuff.html"},
		}},
		{file: "atom/onefoottsunami_wordpress_xml_base.xml", count: 25, items: []itemWant{
			{index: 1, title: "Perverse Incentives", author: "Paul Kafasis", published: "2015-09-07T12:21:01Z",
				url: "http://onefoottsunami.com/2015/09/07/perverse-incentives-2/", key: "http://onefoottsunami.com/?p=14861"},
		}},
		{file: "atom/archlinux_bbs_fluxbb_cdata.xml", count: 1, items: []itemWant{
			{index: 0, title: "[Solved] WINE does not start at all", author: "nephtalima", published: "2025-08-24T23:41:54Z",
				url: "https://bbs.archlinux.org/viewtopic.php?id=307811&action=new", textHas: "seth wrote: It is also an awesome way"},
		}},
		{file: "atom/jekyll_relative_urls_no_namespace.xml", feedURL: "https://aurimas.example/feed.xml", count: 1, items: []itemWant{
			{index: 0, title: "What The Distribution - What Is Inside Gradle Distribution Zips?", published: "2024-12-18T00:00:00Z",
				url: "https://aurimas.example/2024/12/18/What-The-Distribution.html", key: "/2024/12/18/What-The-Distribution",
				textHas: "When I saw this post"},
		}},

		{file: "jsonfeed/fboes_v1.1_german.json", count: 20, items: []itemWant{
			{index: 1, title: "„Sabine“ am Flughafen Amsterdam", author: "Frank Boës", published: "2020-02-10T17:40:04Z",
				url: "https://journal.3960.org/posts/2020-02-10-sabine-flughafen-amsterdam/", textHas: "kompakte Möglichkeiten"},
		}},
		{file: "jsonfeed/daringfireball_v1.json", count: 48, items: []itemWant{
			{index: 0, title: "The Talk Show: ‘I Do Like Throwing a Baby’", author: "John Gruber", published: "2017-06-27T00:54:17Z",
				url: "https://daringfireball.net/linked/2017/06/26/the-talk-show-195"},
		}},
		{file: "jsonfeed/pxlnv_http_version_url.json", count: 20, items: []itemWant{
			{index: 0, title: "Uber Lost $4.5 Billion in 2017", author: "Nick Heer", published: "2018-02-13T23:23:12Z"},
		}},
		{file: "jsonfeed/allthis_truncated_invalid.json", unparse: true},
		{file: "jsonfeed/scriptingnews_rss_in_json_not_jsonfeed.json", unparse: true},

		{file: "youtube/nasa_youpdated.xml", count: 15, items: []itemWant{
			{index: 0, title: "Special Event Announcement (Aug. 14, 2026)", author: "NASA", key: "yt:video:I_GUQdY01b0",
				url: "https://www.youtube.com/watch?v=I_GUQdY01b0", published: "2026-08-14T19:14:36Z", textHas: "Kennedy Space Center"},
		}},
		{file: "youtube/kotlin_by_jetbrains.xml", count: 1, items: []itemWant{
			{index: 0, title: "Multi-dollar String Interpolation in Kotlin | $$", author: "Kotlin by JetBrains",
				published: "2024-12-16T15:10:21Z"},
		}},
		{file: "youtube/tagesschau_feeddeck.xml", count: 2, items: []itemWant{
			{index: 0, title: "Verhandlungen über Haushalt werden fortgesetzt", author: "tagesschau",
				published: "2023-12-11T15:38:12Z", textHas: "Bundeskanzler Olaf Scholz hat sich zuversichtlich gezeigt"},
		}},
		{file: "youtube/japanese_channel_no_xml_decl.xml", count: 15, items: []itemWant{
			{index: 0, title: "【銀行員の良い話】お前ら仕事ガチってる？まだ本気じゃない君たちへ…Ver.2",
				author: "ぼくひぐま。〜おとなの学びや〜", published: "2025-08-22T08:01:08Z"},
		}},

		{file: "reddit/r_minecraft.rss.xml", count: 1, items: []itemWant{
			{index: 0, title: "Vibrant Visuals - Troubleshooting", author: "/u/Mlakuss", published: "2025-06-17T18:02:33Z",
				url: "https://www.reddit.com/r/Minecraft/comments/1ldu6hr/vibrant_visuals_troubleshooting/"},
		}},
		{file: "reddit/r_kubernetes.rss.xml", count: 5, items: []itemWant{
			// "&amp;#32;" in the feed is an escaped HTML space.
			{index: 1, title: "Weekly: Share your victories thread", author: "/u/gctaylor", key: "t3_18dkeyn",
				textHas: "Share here! submitted by /u/gctaylor [link] [Kommentare]"},
		}},
		{file: "reddit/go_reddit_subreddit_posts_listing.json", unparse: true},
		{file: "reddit/go_reddit_search_posts_listing.json", unparse: true},
		{file: "reddit/go_reddit_mixed_kinds_listing.json", unparse: true},

		{file: "mastodon/hachyderm_tag_kubernetes.rss.xml", count: 4, items: []itemWant{
			{index: 1, titleEmpty: true, url: "https://botsin.space/@k8s_releases/111544452566443481",
				published: "2023-12-08T11:01:13Z", textHas: "New Kubernetes Release Candidate Release ✨ Kubernetes v1.29.0-rc.2 ✨"},
		}},
		{file: "mastodon/hachyderm_user_ricoberger.rss.xml", count: 1, items: []itemWant{
			{index: 0, titleEmpty: true, textHas: "🎉🎉🎉 kubenav v4 the #kubernetes dashboard for iOS and Android"},
		}},
		{file: "mastodon/mastodonpy_api_v1_timelines_public.json", unparse: true},
		{file: "mastodon/mastodonpy_api_v1_timelines_tag_hoot.json", unparse: true},
	}

	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			items, err := parseFile(t, filepath.Join(corpusDir, tt.file), source.Meta{URL: tt.feedURL})
			if tt.unparse {
				if !errors.Is(err, source.ErrUnparseable) || items != nil {
					t.Fatalf("got %d items, err %v; want ErrUnparseable", len(items), err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) != tt.count {
				t.Fatalf("%d items, want %d", len(items), tt.count)
			}
			for _, it := range items {
				checkInvariants(t, it)
			}
			for _, w := range tt.items {
				checkItem(t, items[w.index], w)
			}
		})
	}

	// Every sample of these kinds must be in the table above.
	for _, kind := range corpusKinds {
		files, err := filepath.Glob(filepath.Join(corpusDir, kind, "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no corpus files in %s (err %v)", kind, err)
		}
		for _, f := range files {
			if rel := kind + "/" + filepath.Base(f); !covered[rel] {
				t.Errorf("corpus file %s has no expectations", rel)
			}
		}
	}
}

func checkItem(t *testing.T, it watch.Item, w itemWant) {
	t.Helper()
	check := func(field, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("item %d %s = %q, want %q", w.index, field, got, want)
		}
	}
	check("Key", it.Key, w.key)
	check("URL", it.URL, w.url)
	check("Title", it.Title, w.title)
	check("Author", it.Author, w.author)
	if w.titleEmpty && it.Title != "" {
		t.Errorf("item %d Title = %q, want empty", w.index, it.Title)
	}
	if w.textHas != "" && !strings.Contains(it.Text, w.textHas) {
		t.Errorf("item %d Text = %q, want it to contain %q", w.index, it.Text, w.textHas)
	}
	switch w.published {
	case "":
	case "zero":
		if !it.Published.IsZero() {
			t.Errorf("item %d Published = %s, want zero", w.index, it.Published)
		}
	default:
		want, err := time.Parse(time.RFC3339, w.published)
		if err != nil {
			t.Fatal(err)
		}
		if !it.Published.Equal(want) || it.Published.Location() != time.UTC {
			t.Errorf("item %d Published = %s, want %s in UTC", w.index, it.Published, want)
		}
	}
}

// checkInvariants holds for every item, whatever the input.
func checkInvariants(t testing.TB, it watch.Item) {
	t.Helper()
	if it.SourceID != "src" || !it.Found.Equal(found) {
		t.Errorf("SourceID %q Found %s", it.SourceID, it.Found)
	}
	if it.Key == "" || len(it.Key) > 2048 {
		t.Errorf("Key %q: empty or too long", it.Key)
	}
	for name, s := range map[string]string{"Key": it.Key, "URL": it.URL, "Author": it.Author, "Title": it.Title, "Text": it.Text} {
		if !utf8.ValidString(s) {
			t.Errorf("%s %q is not valid UTF-8", name, s)
		}
	}
	for name, tc := range map[string]struct {
		s   string
		max int
	}{"Title": {it.Title, 500}, "Author": {it.Author, 200}, "Text": {it.Text, 10000}} {
		if n := utf8.RuneCountInString(tc.s); n > tc.max {
			t.Errorf("%s has %d runes, over %d", name, n, tc.max)
		}
		if tc.s != strings.TrimSpace(tc.s) || strings.ContainsAny(tc.s, "\n\t\r\x00") || strings.Contains(tc.s, "  ") {
			t.Errorf("%s %q is not collapsed plain text", name, tc.s)
		}
	}
	if it.URL != "" && (!strings.HasPrefix(it.URL, "http://") && !strings.HasPrefix(it.URL, "https://") || len(it.URL) > 2048) {
		t.Errorf("URL %q", it.URL)
	}
	if !it.Published.IsZero() && it.Published.Location() != time.UTC {
		t.Errorf("Published %s not in UTC", it.Published)
	}
}

func TestFeedEdgeCases(t *testing.T) {
	hash := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	tests := []struct {
		file    string
		feedURL string
		items   []watch.Item // Key, URL, Title, Author, Text and Published compared
	}{
		{"no_guid.xml", "https://news.example/feed.xml", []watch.Item{
			{Key: "https://news.example/a/b?x=1", URL: "https://News.Example:443/a/b?x=1#comments",
				Title: "Absolute link, odd case and port", Published: time.Date(2026, 3, 7, 21, 0, 0, 0, time.UTC)},
			{Key: "https://news.example/posts/2?utm=feed", URL: "https://news.example/posts/2?utm=feed",
				Title: "Relative link", Text: "Resolved against the feed's URL."},
		}},
		{"no_guid_no_link.xml", "", []watch.Item{
			{Key: hash("Warehouse party Saturday\nBring friends"), Title: "Warehouse party Saturday", Text: "Bring friends"},
		}},
		{"hostile.xml", "https://hostile.example/feed", []watch.Item{
			// The title is nothing but a tag: no text is left of it.
			{Key: "h1", Title: "", Text: "Hello world"},
			{Key: "h2", Title: "Party tonight & afterparty", Author: "Mallory", Text: "Line one line two🎉"},
			{Key: hash("Blank GUID, file link\nNothing else."), Title: "Blank GUID, file link", Text: "Nothing else."},
		}},
		{"xml_base.xml", "https://feeds.example/atom", []watch.Item{
			{Key: "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a", URL: "https://blog.example/journal/2026/03/first.html",
				Title: "Relative to the feed's base", Author: "Ann Example", Text: "Body text.",
				Published: time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)},
			{Key: "tag:other.example,2026:2", URL: "https://other.example/x/y.html", Title: "Entry with its own base",
				Published: time.Date(2026, 3, 1, 4, 59, 59, 0, time.UTC)},
		}},
		{"relative.json", "https://json.example/feed.json", []watch.Item{
			{Key: "1", URL: "https://json.example/events/1", Title: "Street party", Author: "Org Anizer", Text: "Music & dancing",
				Published: time.Date(2026, 3, 7, 16, 0, 0, 0, time.UTC)},
			{Key: "2", Text: "No title, plain text < not a tag"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := parseFile(t, filepath.Join("testdata", tt.file), source.Meta{URL: tt.feedURL})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(items) != len(tt.items) {
				t.Fatalf("%d items, want %d", len(items), len(tt.items))
			}
			for i, want := range tt.items {
				got := items[i]
				checkInvariants(t, got)
				want.SourceID, want.Found = got.SourceID, got.Found
				if !reflect.DeepEqual(got, want) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, got, want)
				}
			}
		})
	}
}

// rssWith builds an RSS document around item elements.
func rssWith(items ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>` +
		strings.Join(items, "") + `</channel></rss>`)
}

func TestFeedCaps(t *testing.T) {
	p := feedParser(t)
	m := source.Meta{SourceID: "src", URL: "https://caps.example/feed", Found: found}

	longURL := "https://caps.example/" + strings.Repeat("a", 2100)
	body := rssWith(fmt.Sprintf(`<item><guid>g</guid><title>%s</title><author>%s</author><description>%s</description><link>%s</link></item>`,
		strings.Repeat("ab ", 400), strings.Repeat("é", 300), strings.Repeat("слово ", 3000), longURL))
	items, err := p.Parse(context.Background(), body, m)
	if err != nil || len(items) != 1 {
		t.Fatalf("Parse: %d items, %v", len(items), err)
	}
	it := items[0]
	checkInvariants(t, it)
	if n := utf8.RuneCountInString(it.Title); n != 500 || !strings.HasPrefix(it.Title, "ab ab") || !strings.HasSuffix(it.Title, " a…") {
		t.Errorf("title: %d runes ending %q, want 500 ending in \" a…\"", n, it.Title[len(it.Title)-10:])
	}
	if it.Author != strings.Repeat("é", 199)+"…" {
		t.Errorf("author = %q", it.Author)
	}
	if n := utf8.RuneCountInString(it.Text); n > 10000 || n < 9990 || !strings.HasSuffix(it.Text, "…") {
		t.Errorf("text: %d runes", n)
	}
	if it.URL != "" {
		t.Errorf("a URL over 2048 bytes must be dropped, got %d bytes", len(it.URL))
	}

	var many []string
	for i := range 600 {
		many = append(many, fmt.Sprintf("<item><guid>%d</guid><title>n%d</title></item>", i, i))
	}
	items, err = p.Parse(context.Background(), rssWith(many...), m)
	if err != nil || len(items) != 500 || items[499].Key != "499" {
		t.Fatalf("600 items: got %d, err %v; want the first 500", len(items), err)
	}

	hugeGUID := strings.Repeat("x", 5000)
	items, err = p.Parse(context.Background(), rssWith("<item><guid>"+hugeGUID+"</guid><title>t</title></item>"), m)
	if err != nil || len(items) != 1 || !strings.HasPrefix(items[0].Key, "sha256:") {
		t.Fatalf("huge GUID: %+v %v, want a hashed key", items, err)
	}
}

func TestFeedCharsets(t *testing.T) {
	p := feedParser(t)
	cyr, err := charmap.Windows1251.NewEncoder().Bytes(rssWith("<item><guid>1</guid><title>Вечеринка в парке</title></item>"))
	if err != nil {
		t.Fatal(err)
	}
	// Declared UTF-8, but the bytes are Latin-1: a common server mistake.
	latin1Lie := bytes.Replace(rssWith("<item><guid>1</guid><title>Caf\xe9 f\xfcr alle</title></item>"), []byte("\xc3"), nil, 0)
	noDecl := bytes.TrimPrefix(cyr, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
	// Declared UTF-8 and written in UTF-8, with a few broken bytes.
	broken := rssWith("<item><guid>1</guid><title>Café \xff\xfe\xfd party</title></item>")

	tests := []struct {
		name        string
		body        []byte
		contentType string
		title       string
	}{
		{"declared UTF-8, Latin-1 bytes", latin1Lie, "", "Café für alle"},
		{"no declaration, charset from Content-Type", noDecl, "application/rss+xml; charset=windows-1251", "Вечеринка в парке"},
		{"declared UTF-8, broken bytes", broken, "", "Café \ufffd\ufffd\ufffd party"},
		{"UTF-8 in the Content-Type, broken bytes", bytes.TrimPrefix(broken, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)), "application/rss+xml; charset=utf-8", "Café \ufffd\ufffd\ufffd party"},
		{"BOM", append([]byte("\xEF\xBB\xBF"), rssWith("<item><guid>1</guid><title>ok</title></item>")...), "", "ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := p.Parse(context.Background(), tt.body, source.Meta{SourceID: "src", ContentType: tt.contentType, Found: found})
			if err != nil || len(items) != 1 {
				t.Fatalf("Parse: %d items, %v", len(items), err)
			}
			if items[0].Title != tt.title {
				t.Errorf("title = %q, want %q", items[0].Title, tt.title)
			}
		})
	}
}

func TestFeedUnparseable(t *testing.T) {
	p := feedParser(t)
	for name, body := range map[string]string{
		"empty":         "",
		"HTML page":     "<!DOCTYPE html><html><body><p>hello</p></body></html>",
		"JSON array":    `[{"id": 1}]`,
		"JSON object":   `{"data": {"children": []}}`,
		"truncated RSS": `<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut`,
		"binary":        "\x00\x01\x02\xff\xfe",
	} {
		t.Run(name, func(t *testing.T) {
			items, err := p.Parse(context.Background(), []byte(body), source.Meta{})
			if !errors.Is(err, source.ErrUnparseable) {
				t.Fatalf("got %d items, err %v; want ErrUnparseable", len(items), err)
			}
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Parse(ctx, rssWith(), source.Meta{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
}

func FuzzFeedParse(f *testing.F) {
	for _, dir := range append(slices.Clone(corpusKinds), "") {
		pattern := filepath.Join(corpusDir, dir, "*")
		if dir == "" {
			pattern = filepath.Join("testdata", "*")
		}
		files, _ := filepath.Glob(pattern)
		if len(files) == 0 {
			f.Fatalf("no seed files in %s", pattern)
		}
		for _, file := range files {
			if body, err := os.ReadFile(file); err == nil {
				f.Add(body)
			}
		}
	}
	// declared UTF-8 with broken bytes, and Latin-1 that says it is UTF-8
	f.Add(rssWith("<item><guid>1</guid><title>Café \xff\xfe\xfd party</title></item>"))
	f.Add(rssWith("<item><guid>1</guid><title>Caf\xe9</title></item>"))
	p := feedParser(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := p.Parse(context.Background(), body, source.Meta{SourceID: "src", URL: "https://fuzz.example/feed", Found: found})
		if err != nil {
			if !errors.Is(err, source.ErrUnparseable) {
				t.Fatalf("error not wrapping ErrUnparseable: %v", err)
			}
			return
		}
		if len(items) > 500 {
			t.Fatalf("%d items", len(items))
		}
		for _, it := range items {
			checkInvariants(t, it)
		}
	})
}

// RSS asks for an e-mail in <author>, but bridges from social platforms put
// a bare handle there; it is the author all the same.
func TestFeedAuthorHandle(t *testing.T) {
	p := feedParser(t)
	m := source.Meta{SourceID: "src", URL: "https://handles.example/feed", Found: found}
	tests := []struct{ raw, want string }{
		{"@one", "@one"},
		{"  @two.example  ", "@two.example"},
		{"@three (Three Person)", "@three (Three Person)"},
		{"one@example.com (One)", "One"},
		{"one@example.com", "one@example.com"},
		{"Plain Name", "Plain Name"},
		{"<b>@four</b>", "@four"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			body := rssWith(`<item><guid>g</guid><title>t</title><author>` + html.EscapeString(tt.raw) + `</author></item>`)
			items, err := p.Parse(context.Background(), body, m)
			if err != nil || len(items) != 1 {
				t.Fatalf("Parse: %d items, %v", len(items), err)
			}
			if items[0].Author != tt.want {
				t.Errorf("author = %q, want %q", items[0].Author, tt.want)
			}
		})
	}
}
