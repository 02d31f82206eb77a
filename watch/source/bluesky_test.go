package source_test

import (
	"path/filepath"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestBlueskyCorpus(t *testing.T) {
	const search = "https://bsky.social/xrpc/app.bsky.feed.searchPosts?q=redistricting&limit=25"
	tests := []struct {
		file         string
		count        int
		next, cursor string
		items        []want
	}{
		{file: "searchPosts_redistricting_2023-12.json", count: 23,
			next:   "https://bsky.social/xrpc/app.bsky.feed.searchPosts?cursor=25&limit=25&q=redistricting",
			cursor: "at://did:plc:xrs7uicyfcp5qbnhnqy7kucb/app.bsky.feed.post/3kghpycppiw2n",
			items: []want{
				{i: 0, key: "at://did:plc:xrs7uicyfcp5qbnhnqy7kucb/app.bsky.feed.post/3kghpycppiw2n",
					url:    "https://bsky.app/profile/planetcarnival.bsky.social/post/3kghpycppiw2n",
					author: "@planetcarnival.bsky.social", lang: "en", pub: "2023-12-14T00:37:20.615Z", noTitle: true,
					textHas: "I was upset last year when redistricting meant he was no longer my representative.", media: []string{}},
				// A link card: the linked page.
				{i: 1, author: "@lwvsf.bsky.social", media: []string{
					"https://missionlocal.org/2023/12/redistricting-reform-elections-commission-report-supervisors/"}},
				// Images: the full-size picture.
				{i: 8, author: "@georgetakei.bsky.social", url: "https://bsky.app/profile/georgetakei.bsky.social/post/3kghcs4a2by23",
					media: []string{"https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:y4zs4cabaezzwx3bz2e5nnj2/bafkreifuheprar3hhf7jfp5t4vpp4adgoiamjlz47oqrrgkgiqpvpdms4y@jpeg"}},
				// The post without langs; createdAt without fractions.
				{i: 9, author: "@progressivepower.bsky.social", lang: "", pub: "2023-12-13T20:37:03Z",
					textHas: "These House Republicans Could Be the Targets of New York Redistricting"},
				{i: 22, key: "at://did:plc:tb6kdi6xp44xmafqow5wqqd7/app.bsky.feed.post/3kgfr3hhued2z", pub: "2023-12-13T05:51:38.668Z"},
			}},
		{file: "searchPosts_redistricting_2025-05_raw.json", count: 25,
			next:   "https://bsky.social/xrpc/app.bsky.feed.searchPosts?cursor=25&limit=25&q=redistricting",
			cursor: "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m",
			items: []want{
				{i: 0, author: "@socpaperbot.bsky.social", lang: "", pub: "2025-05-19T17:10:09.561858Z",
					textHas: "Ends Versus Means: Public Opinion on Congressional Redistricting https://osf.io/v87fn"},
				// "\r\n" in the text is collapsed; "+00:00" offset read.
				{i: 22, author: "@humanbeinghuman.bsky.social", pub: "2025-05-19T02:03:20.286393Z",
					textHas: "Automated disqualification from services 118. Manipulat"},
				{i: 24, url: "https://bsky.app/profile/mcpli.bsky.social/post/3lpica7sxmk2u", media: []string{
					"https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:7nagdvjqrzaquzk7mueohne5/bafkreidjv5wa7yusm5zwpompgf4kfl6vww26ngdbxlir5mgw5qsurqr2de@jpeg"}},
			}},
		// getAuthorFeed wraps each post in {"post": ...}.
		{file: "getAuthorFeed_2023.json", count: 3,
			next:   "https://bsky.social/xrpc/app.bsky.feed.searchPosts?cursor=1696301352905%3A%3Abafyreifijeifzyh724gobyh3s2cswupnzib3wdbhrtmozbt4abb3wmyvaa&limit=25&q=redistricting",
			cursor: "at://did:plc:eijqdygh72wuei7faamrclpc/app.bsky.feed.post/3kau6tviybe2w",
			items: []want{
				{i: 1, author: "@chriskenny.bsky.social", textIs: "Can’t say I expected that to work on the first try, but the AT Protocol is pretty cool.",
					url: "https://bsky.app/profile/chriskenny.bsky.social/post/3kasvzedyyu2r", pub: "2023-10-03T02:53:25.697Z"},
				{i: 2, textIs: "Test post from rstats (attempt #1)", pub: "2023-10-03T02:49:12.980686Z"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := parsePath(t, source.KindBluesky, corpusFile("bluesky", tt.file), source.Meta{URL: search})
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

func TestBlueskyEdgeCases(t *testing.T) {
	page := parsePath(t, source.KindBluesky, filepath.Join("testdata", "bluesky_edge.json"),
		source.Meta{URL: "https://api.example/xrpc/app.bsky.feed.searchPosts?q=x&cursor=old",
			Options: map[string]string{"web": "https://bsky.example/app/"}})
	if len(page.Items) != 4 {
		t.Fatalf("%d items, want 4 (posts without a URI skipped)", len(page.Items))
	}
	for _, w := range []want{
		// handle.invalid: named and linked by DID; indexedAt stands in for createdAt.
		{i: 0, key: "at://did:plc:abc123/app.bsky.feed.post/3kx1", author: "did:plc:abc123",
			url: "https://bsky.example/app/profile/did:plc:abc123/post/3kx1", textIs: "Invalid handle post second line",
			lang: "pt-BR", pub: "2024-05-01T12:00:00Z", media: []string{"https://cdn.example/img/1@jpeg"}},
		{i: 1, author: "@alice.example.com", url: "https://bsky.example/app/profile/alice.example.com/post/3kx2",
			lang: "", pub: "2024-05-02T12:30:00.123456Z", media: []string{"https://video.example/pl.m3u8"}},
		// Not a post record: no web link, but still an item keyed by its URI.
		{i: 2, key: "at://did:plc:ghi/app.bsky.feed.like/3kx3", noURL: true, author: "@bob.example"},
		// A handle that is not one (the link falls back to the URI's DID), a
		// date that is not one.
		{i: 3, noAuthor: true, url: "https://bsky.example/app/profile/did:plc:jkl/post/3kx4", pub: "zero", textIs: "bad handle"},
	} {
		checkWant(t, page.Items, w)
	}
	if want := "https://api.example/xrpc/app.bsky.feed.searchPosts?cursor=sortAt%3A%3Aabc&q=x"; page.Next != want {
		t.Errorf("Next = %q, want %q", page.Next, want)
	}

	// No posts: no next page, whatever the cursor says.
	empty, err := parseAs(t, source.KindBluesky, []byte(`{"posts": [], "cursor": "50"}`), source.Meta{URL: "https://api.example/xrpc/app.bsky.feed.searchPosts?q=x"})
	if err != nil || len(empty.Items) != 0 || empty.Next != "" {
		t.Errorf("empty page: %+v, %v", empty, err)
	}
}

func TestBlueskyUnparseable(t *testing.T) {
	unparseable(t, source.KindBluesky, source.Meta{URL: "https://api.example/xrpc/app.bsky.feed.searchPosts?q=x"}, map[string]struct{ body, says string }{
		"xrpc error":  {`{"error": "InvalidRequest", "message": "Error: Params must have the property \"q\""}`, `no posts in the Bluesky response (InvalidRequest: Error: Params must have the property "q")`},
		"other shape": {`{"actors": [], "cursor": "1"}`, "no posts in the Bluesky response"},
		"posts shape": {`{"posts": {"uri": "at://x"}}`, "not a Bluesky searchPosts JSON"},
		"array":       {`[]`, "not a Bluesky searchPosts JSON"},
		"html":        {`<!doctype html><title>502</title>`, "got HTML or XML"},
	})
}

func FuzzBlueskyParse(f *testing.F) {
	seedCorpus(f, "bluesky", "bluesky")
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindBluesky, body, source.Meta{URL: "https://api.example/xrpc/app.bsky.feed.searchPosts?q=x"})
	})
}
