package source_test

import (
	"path/filepath"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestMastodonCorpus(t *testing.T) {
	const tag = "http://localhost:3000/api/v1/timelines/tag/hoot"
	tests := []struct {
		file         string
		count        int
		next, cursor string
		items        []want
	}{
		{file: "mastodonpy_api_v1_timelines_tag_hoot.json", count: 1,
			next: tag + "?max_id=117020593741189701", cursor: "117020593741189701",
			items: []want{{i: 0, key: "117020593741189701", url: "http://localhost:3000/@mastodonpy_test_2/117020593741189701",
				author: "@mastodonpy_test_2@localhost", textIs: "#hoot (hashtag toot)", lang: "ja", noTitle: true,
				pub: "2026-08-01T13:55:55.867Z", media: []string{}}}},
		{file: "mastodonpy_api_v1_timelines_public.json", count: 8,
			next: tag + "?max_id=117020574694606796", cursor: "117020593378945190",
			items: []want{
				{i: 0, key: "117020593378945190", textIs: "Toot, finally!", lang: "ja", pub: "2026-08-01T13:55:50.338Z"},
				// &#39; entities decoded; the h-card mention kept as text.
				{i: 1, key: "117020592137523525", textIs: "you can't say that on television", author: "@admin@localhost",
					url: "http://localhost:3000/@admin/117020592137523525", lang: "en"},
				{i: 4, key: "117020588169351887", textIs: "@mastodonpy_test beep beep I'm a jeep"},
				{i: 7, key: "117020574694606796", textIs: "I have never stolen a ham in my life.", pub: "2026-08-01T13:51:05.238Z"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := parsePath(t, source.KindMastodon, corpusFile("mastodon", tt.file), source.Meta{URL: tag})
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

func TestMastodonEdgeCases(t *testing.T) {
	// With a cursor from the previous poll, older pages also carry
	// since_id, so the instance stops at what was read.
	page := parsePath(t, source.KindMastodon, filepath.Join("testdata", "mastodon_edge.json"),
		source.Meta{URL: "https://local.example/api/v1/timelines/tag/demo?limit=40&max_id=999", Cursor: "250"})
	if len(page.Items) != 3 {
		t.Fatalf("%d items, want 3 (bad ids and non-objects skipped)", len(page.Items))
	}
	for _, w := range []want{
		{i: 0, key: "300", url: "https://remote.example/users/bob/statuses/9", title: "CW: crowd",
			textIs: "Meet at the square at 8", author: "@bob@remote.example", lang: "en-GB", pub: "2026-03-01T10:00:00Z",
			media: []string{"https://remote.example/media/1.jpg", "https://local.example/media/2.mp4", "https://news.example/story"}},
		// A boost shows the boosted post under the boost's own id.
		{i: 1, key: "299", url: "https://remote.example/@dave/120", textIs: "The boosted post",
			author: "@dave@remote.example", lang: "fr", pub: "2026-02-28T09:00:00Z", media: []string{}},
		{i: 2, key: "297", noURL: true, author: "@erin@local.example", textIs: "", pub: "2026-02-27T07:00:00Z"},
	} {
		checkWant(t, page.Items, w)
	}
	if want := "https://local.example/api/v1/timelines/tag/demo?limit=40&max_id=297&since_id=250"; page.Next != want {
		t.Errorf("Next = %q, want %q", page.Next, want)
	}
	if page.Cursor != "300" {
		t.Errorf("Cursor = %q, want the first (newest) id", page.Cursor)
	}

	empty, err := parseAs(t, source.KindMastodon, []byte(`[]`), source.Meta{URL: "https://local.example/api/v1/timelines/tag/demo"})
	if err != nil || len(empty.Items) != 0 || empty.Next != "" || empty.Cursor != "" {
		t.Errorf("empty page: %+v, %v; want nothing and no next page", empty, err)
	}
}

func TestMastodonUnparseable(t *testing.T) {
	unparseable(t, source.KindMastodon, source.Meta{URL: "https://local.example/api/v1/timelines/tag/demo"}, map[string]struct{ body, says string }{
		"error object": {`{"error": "This method requires an authenticated user"}`, "the instance answered with an error: This method requires an authenticated user"},
		"other object": {`{"statuses": []}`, "not a Mastodon timeline JSON"},
		"null":         {`null`, "null is not a Mastodon timeline"},
		"html":         {`<html><body>Under maintenance</body></html>`, "got HTML or XML"},
		"truncated":    {`[{"id": "1", "content": "cut`, "unexpected end of JSON input"},
	})
}

func FuzzMastodonParse(f *testing.F) {
	seedCorpus(f, "mastodon", "mastodon")
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindMastodon, body, source.Meta{URL: "https://local.example/api/v1/timelines/tag/demo", Cursor: "1"})
	})
}
