package source_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/watchroom/watchroom/watch/source"
)

func TestRegistry(t *testing.T) {
	want := []string{"bluesky", "feed", "ical", "mastodon", "page", "reddit", "telegram", "webhook"}
	if got := source.Kinds(); !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds() = %q, want %q", got, want)
	}
	for _, k := range source.Kinds() {
		if p, ok := source.Lookup(k); !ok || p == nil {
			t.Errorf("Lookup(%q) = %v, %v", k, p, ok)
		}
	}
	for _, k := range []string{"reddit", "mastodon", "bluesky", "telegram", "page"} {
		if p, _ := source.Lookup(k); p != nil {
			if _, ok := p.(source.Pager); !ok {
				t.Errorf("kind %s does not page", k)
			}
		}
	}
	if p, ok := source.Lookup("gopher"); ok || p != nil {
		t.Errorf("Lookup of an unknown kind = %v, %v", p, ok)
	}
}

func TestCheckSource(t *testing.T) {
	pageOpts := map[string]string{"item": "li", "title": "h2", "link": "a"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		kind, url string
		opts      map[string]string
		says      []string // each problem; none for a good source
	}{
		{kind: "feed", url: "https://news.example/feed.xml"},
		{kind: "webhook", opts: map[string]string{"token_env": "SCANNER_TOKEN", "rate": "30", "burst": "5"}},
		{kind: "webhook", url: "https://x.example/", opts: map[string]string{"token_env": "T"}, says: []string{"a webhook source is pushed to: it takes no url"}},
		{kind: "webhook", opts: map[string]string{"rate": "0", "colour": "red"}, says: []string{
			`option "colour": unknown for kind webhook (known: token_env, rate, burst)`, `option "token_env" is required`,
			`option "rate": "0" is not a whole number from 1 to 6000`}},
		{kind: "webhook", opts: map[string]string{"token_env": "lower case"}, says: []string{`option "token_env": "lower case" is not an environment variable name`}},
		{kind: "feed", url: "https://news.example/feed.xml", opts: map[string]string{"pages": "2"},
			says: []string{`option "pages": kind feed takes no options`}},
		{kind: "reddit", url: "https://www.reddit.com/r/london/new.json", opts: map[string]string{"pages": "5"}},
		{kind: "reddit", url: "https://www.reddit.com/search.json?q=rave&sort=new"},
		{kind: "reddit", url: "https://www.reddit.com/r/london/", opts: map[string]string{"pages": "0", "limit": "5"},
			says: []string{`option "limit": unknown for kind reddit (known: pages)`, `option "pages": "0" is not a whole number from 1 to 20`,
				"a reddit source needs a JSON listing"}},
		{kind: "mastodon", url: "https://mastodon.social/api/v1/timelines/tag/carnival?limit=40"},
		{kind: "mastodon", url: "https://mastodon.social/tags/carnival.rss", says: []string{"a mastodon source needs a hashtag timeline"}},
		{kind: "mastodon", url: "https://mastodon.social/api/v1/timelines/tag/", says: []string{"needs a hashtag timeline"}},
		{kind: "bluesky", url: "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?q=free+party&sort=latest",
			opts: map[string]string{"web": "https://bsky.app"}},
		{kind: "bluesky", url: "https://public.api.bsky.app/xrpc/app.bsky.feed.getAuthorFeed?actor=police.example"},
		{kind: "bluesky", url: "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?sort=latest",
			says: []string{"searchPosts needs a query, ?q=WORDS"}},
		{kind: "bluesky", url: "https://bsky.app/search?q=x", opts: map[string]string{"web": "ftp://x"},
			says: []string{`option "web": "ftp://x" is not an absolute http or https URL`, "a bluesky source needs"}},
		{kind: "telegram", url: "https://t.me/s/durov"},
		{kind: "telegram", url: "https://t.me/durov", says: []string{"a telegram source needs the channel's web preview, https://t.me/s/NAME"}},
		{kind: "page", url: "https://events.example/", opts: with(pageOpts, "date", "time", "title", ":scope", "timezone", "Europe/London", "next", "a.next")},
		{kind: "page", url: "https://events.example/", opts: nil, says: []string{
			`option "item": a page source needs the item selector`, `option "title": a page source needs the title selector`,
			`option "link": a page source needs the link selector`}},
		{kind: "page", url: "https://events.example/", opts: with(pageOpts, "item", ":scope", "date", "div[", "colour", "red"),
			says: []string{`option "colour": unknown for kind page`, `option "item": bad CSS selector ":scope"`, `option "date": bad CSS selector "div["`}},
		{kind: "ical", url: "https://calendar.example/feed.ics", opts: map[string]string{"timezone": "Europe/Paris"}},
		{kind: "ical", url: "https://calendar.example/feed.ics", opts: map[string]string{"timezone": "Local", "pages": "2"},
			says: []string{`option "pages": unknown for kind ical (known: timezone)`, `option "timezone": want an IANA time zone name`}},
		{kind: "gopher", url: "https://x.example/", says: []string{`unknown kind "gopher"`}},
		{kind: "feed", url: "ftp://x.example/", says: []string{"not an absolute http or https URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.url, func(t *testing.T) {
			err := source.CheckSource(tt.kind, tt.url, tt.opts)
			if len(tt.says) == 0 {
				if err != nil {
					t.Fatalf("CheckSource: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckSource: no error, want %q", tt.says)
			}
			var problems []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				problems = j.Unwrap()
			} else {
				problems = []error{err}
			}
			if len(problems) != len(tt.says) {
				t.Errorf("%d problems (%v), want %d", len(problems), err, len(tt.says))
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %q, want it to say %q", err, s)
				}
			}
		})
	}
}

func TestCancelledParse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts := map[string]string{"item": "li", "title": "h2", "link": "a"}
	for _, k := range source.Kinds() {
		p, _ := source.Lookup(k)
		if _, err := p.Parse(ctx, []byte("[]"), source.Meta{URL: "https://x.example/", Options: opts}); !errors.Is(err, context.Canceled) {
			t.Errorf("kind %s: err = %v, want context.Canceled", k, err)
		}
	}
}

// TestHugeValues feeds each kind more and longer than it keeps: items,
// text and media links are capped, over-long identities hashed.
func TestHugeValues(t *testing.T) {
	long := strings.Repeat("word ", 20000) // 100,000 bytes
	t.Run("reddit", func(t *testing.T) {
		var children []string
		for i := range 600 {
			title := "short"
			if i == 0 {
				title = long
			}
			children = append(children, fmt.Sprintf(`{"kind": "t3", "data": {"name": "t3_%d", "title": %q, "selftext": %q, "created_utc": %d}}`,
				i, title, title, 1700000000+i))
		}
		body := `{"kind": "Listing", "data": {"after": "t3_599", "children": [` + strings.Join(children, ",") + `]}}`
		page, err := parseAs(t, source.KindReddit, []byte(body), source.Meta{URL: "https://www.reddit.com/r/x/new.json"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) != 500 {
			t.Errorf("%d items, want the cap of 500", len(page.Items))
		}
		for _, it := range page.Items {
			checkKindInvariants(t, it)
		}
		if it := page.Items[0]; utf8.RuneCountInString(it.Title) != 500 || !strings.HasSuffix(it.Title, "…") || utf8.RuneCountInString(it.Text) != 10000 {
			t.Errorf("title %d runes, text %d runes", utf8.RuneCountInString(it.Title), utf8.RuneCountInString(it.Text))
		}
	})
	t.Run("telegram", func(t *testing.T) {
		var photos strings.Builder
		for i := range 40 {
			fmt.Fprintf(&photos, `<a class="tgme_widget_message_photo_wrap" style="background-image:url('https://cdn.example/%d.jpg')"></a>`, i)
		}
		body := `<div class="tgme_widget_message" data-post="x/1">` + photos.String() +
			`<div class="tgme_widget_message_text">` + long + `</div></div>`
		page, err := parseAs(t, source.KindTelegram, []byte(body), source.Meta{URL: "https://t.me/s/x"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%v, %d items", err, len(page.Items))
		}
		it := page.Items[0]
		checkKindInvariants(t, it)
		if len(it.MediaLinks) != 20 || it.MediaLinks[19] != "https://cdn.example/19.jpg" || utf8.RuneCountInString(it.Text) != 10000 {
			t.Errorf("%d media links, text %d runes", len(it.MediaLinks), utf8.RuneCountInString(it.Text))
		}
	})
	t.Run("ical", func(t *testing.T) {
		events := strings.Repeat("BEGIN:VEVENT\r\nUID:e\r\nSUMMARY:s\r\nEND:VEVENT\r\n", 600)
		body := "BEGIN:VCALENDAR\r\n" + events + "BEGIN:VEVENT\r\nUID:last\r\nDESCRIPTION:" + long + "\r\n" + strings.Repeat(" folded"+long+"\r\n", 10) +
			"END:VEVENT\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:next\r\nDESCRIPTION:" + long + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		page, err := parseAs(t, source.KindICal, []byte(body), source.Meta{})
		if err != nil || len(page.Items) != 500 {
			t.Fatalf("%v, %d items, want the cap of 500", err, len(page.Items))
		}
		short := "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDESCRIPTION:" + long + "\r\n" + strings.Repeat(" "+long+"\r\n", 30) + "END:VEVENT\r\nEND:VCALENDAR\r\n"
		page, err = parseAs(t, source.KindICal, []byte(short), source.Meta{})
		if err != nil || len(page.Items) != 1 || utf8.RuneCountInString(page.Items[0].Text) != 10000 {
			t.Fatalf("%v, %+v", err, len(page.Items))
		}
	})
	t.Run("bluesky and mastodon identities", func(t *testing.T) {
		uri := "at://did:plc:x/app.bsky.feed.post/" + strings.Repeat("k", 3000)
		page, err := parseAs(t, source.KindBluesky, []byte(fmt.Sprintf(`{"posts": [{"uri": %q, "author": {"handle": "a.example"}, "record": {"text": "t"}}]}`, uri)),
			source.Meta{URL: "https://api.example/xrpc/app.bsky.feed.searchPosts?q=x"})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%v, %d items", err, len(page.Items))
		}
		if it := page.Items[0]; !strings.HasPrefix(it.Key, "sha256:") || it.URL != "" {
			t.Errorf("Key %.40q URL %.40q: want a hashed key and no link", it.Key, it.URL)
		}
		page, err = parseAs(t, source.KindMastodon, []byte(fmt.Sprintf(`[{"id": %q, "content": "x"}, {"id": "1", "content": "y"}]`, strings.Repeat("9", 100))),
			source.Meta{URL: "https://m.example/api/v1/timelines/tag/x"})
		if err != nil || len(page.Items) != 1 || page.Items[0].Key != "1" {
			t.Errorf("%v, %+v: want the over-long id skipped", err, page.Items)
		}
	})
}
