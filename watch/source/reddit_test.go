package source_test

import (
	"path/filepath"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestRedditCorpus(t *testing.T) {
	const listing = "https://www.reddit.com/r/test/new.json?limit=25"
	tests := []struct {
		file         string
		url          string
		count        int
		next, cursor string
		items        []want
	}{
		{file: "go_reddit_subreddit_posts_listing.json", url: listing, count: 2,
			next: "https://www.reddit.com/r/test/new.json?after=t3_hyhquk&limit=25", cursor: "t3_hyhquk",
			items: []want{
				{i: 0, key: "t3_agi5zf", url: "https://www.reddit.com/r/test/comments/agi5zf/test/", title: "test",
					author: "u/kmiller0112", textIs: "test", pub: "2019-01-16T05:57:51Z", media: []string{}},
				{i: 1, key: "t3_hyhquk", url: "https://www.reddit.com/r/test/comments/hyhquk/veggies/", title: "Veggies",
					author: "u/MuckleMcDuckle", pub: "2020-07-27T00:05:10Z", media: []string{
						"https://i.imgur.com/LrN2mPw.jpg",
						"https://external-preview.redd.it/ljFZZBn60orDIFTvDbPCXM-Thg9XsXAVm5kmH62gxKw.png?auto=webp&s=f5103946eee4586cba8a1ba410e3098e9a14bb58"}},
			}},
		{file: "go_reddit_search_posts_listing.json", url: "https://www.reddit.com/search.json?q=test&sort=new", count: 2,
			next: "https://www.reddit.com/search.json?after=t3_hmwhd7&q=test&sort=new", cursor: "t3_hybow9",
			items: []want{
				{i: 0, key: "t3_hybow9", title: "Pregnancy test", author: "u/chocolat_ice_cream", pub: "2020-07-26T18:14:24Z",
					url: "https://www.reddit.com/r/WatchPeopleDieInside/comments/hybow9/pregnancy_test/", media: []string{
						"https://v.redd.it/ra4qnt8bt8d51",
						"https://v.redd.it/ra4qnt8bt8d51/DASH_360.mp4?source=fallback",
						"https://external-preview.redd.it/OcR_yQzvFMo4upwEVJe0naWpvA3cmyBpucsJF2OvhLA.png?format=pjpg&auto=webp&s=dbe1004d6df4fb6014d78e0c0d817c1106f1f3b2"}},
				{i: 1, key: "t3_hmwhd7", title: "Brazilian president Jair Bolsonaro tests positive for coronavirus",
					author: "u/Jeremy_Martin", pub: "2020-07-07T15:19:42Z",
					url: "https://www.reddit.com/r/worldnews/comments/hmwhd7/brazilian_president_jair_bolsonaro_tests_positive/",
					media: []string{
						"https://www.theguardian.com/world/2020/jul/07/jair-bolsonaro-coronavirus-positive-test-brazil-president",
						"https://external-preview.redd.it/OIVJopP4J8t4KzYcr7bjitC4Xd8CVbOHdNJcyz27viw.jpg?auto=webp&s=bcb266e3d2f9b1b8410b8ebc1ba112461ac7c89b"}},
			}},
		// t5 (a subreddit) is skipped; the t1 comment has no title of its own.
		{file: "go_reddit_mixed_kinds_listing.json", url: listing, count: 2, cursor: "t1_g05v931",
			items: []want{
				{i: 0, key: "t3_i2gvg4", title: "This is a title", author: "u/v_95", textIs: "This is some text",
					pub: "2020-08-02T18:23:08Z", url: "https://www.reddit.com/r/test/comments/i2gvg4/this_is_a_title/", media: []string{}},
				{i: 1, key: "t1_g05v931", noTitle: true, author: "u/v_95", textIs: "Test comment", pub: "2020-08-03T01:15:40Z",
					url: "https://www.reddit.com/r/test/comments/i2gvg4/this_is_a_title/g05v931/"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := parsePath(t, source.KindReddit, corpusFile("reddit", tt.file), source.Meta{URL: tt.url})
			if len(page.Items) != tt.count {
				t.Fatalf("%d items, want %d", len(page.Items), tt.count)
			}
			if page.Next != tt.next || page.Cursor != tt.cursor {
				t.Errorf("Next %q Cursor %q, want %q %q", page.Next, page.Cursor, tt.next, tt.cursor)
			}
			for _, w := range tt.items {
				checkWant(t, page.Items, w)
			}
		})
	}
}

func TestRedditEdgeCases(t *testing.T) {
	page := parsePath(t, source.KindReddit, filepath.Join("testdata", "reddit_edge.json"),
		source.Meta{URL: "https://old.reddit.com/r/x/new.json?after=t3_old&count=25"})
	if len(page.Items) != 3 {
		t.Fatalf("%d items, want 3 (things without identity, t5 and more skipped)", len(page.Items))
	}
	for _, w := range []want{
		// Reddit escapes < and > in titles: what is left is what was typed.
		{i: 0, key: "t3_aa1", url: "https://old.reddit.com/r/x/comments/aa1/no_name/",
			title: "No name, <b>bold</b> title", textIs: "Line one line two", noAuthor: true, pub: "zero", media: []string{}},
		{i: 1, key: "t3_aa2", noURL: true, title: "Link post", author: "u/someone", pub: "2023-11-14T22:13:20.5Z",
			media: []string{"https://example.org/a?x=1&y=2", "https://v.redd.it/xyz/DASH_720.mp4?source=fallback",
				"https://preview.redd.it/p.jpg?width=640&s=abc"}},
		{i: 2, key: "t1_cc3", title: "The post", textIs: "A reply with markup", author: "u/replier",
			url: "https://old.reddit.com/r/x/comments/aa2/link_post/cc3/", pub: "2023-11-14T22:15:00Z"},
	} {
		checkWant(t, page.Items, w)
	}
	if want := "https://old.reddit.com/r/x/new.json?after=t1_zz9"; page.Next != want {
		t.Errorf("Next = %q, want %q", page.Next, want)
	}
	if page.Cursor != "t1_cc3" {
		t.Errorf("Cursor = %q, want the newest, t1_cc3", page.Cursor)
	}
}

func TestRedditUnparseable(t *testing.T) {
	unparseable(t, source.KindReddit, source.Meta{URL: "https://www.reddit.com/r/x/new.json"}, map[string]struct{ body, says string }{
		"error object":    {`{"message": "Forbidden", "error": 403}`, "not a Reddit listing (403: Forbidden)"},
		"array":           {`[{"kind": "Listing", "data": {"children": []}}]`, "not a Reddit listing JSON"},
		"a thing":         {`{"kind": "t3", "data": {"name": "t3_x"}}`, "not a Reddit listing"},
		"listing no data": {`{"kind": "Listing"}`, "not a Reddit listing"},
		"children shape":  {`{"kind": "Listing", "data": {"children": {"a": 1}}}`, "not a Reddit listing JSON"},
		"login wall":      {`<!DOCTYPE html><html><body>Log in to Reddit</body></html>`, "got HTML or XML"},
		"truncated":       {`{"kind": "Listing", "data": {"children": [{"kind": "t3", "da`, "unexpected end of JSON input"},
		"null":            {`null`, "not a Reddit listing"},
		"empty":           {``, "unexpected end of JSON input"},
	})
}

func FuzzRedditParse(f *testing.F) {
	seedCorpus(f, "reddit", "reddit")
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindReddit, body, source.Meta{URL: "https://www.reddit.com/r/x/new.json"})
	})
}
