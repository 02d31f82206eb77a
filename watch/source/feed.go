package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/watchroom/watchroom/watch"
)

// Caps on one parse. Runes for text, bytes for URLs and keys.
const (
	maxItems  = 500
	maxTitle  = 500
	maxAuthor = 200
	maxText   = 10000
	maxKey    = 2048
)

// feedParser reads RSS 0.9x/1.0/2.0, Atom and JSON Feed.
type feedParser struct{}

// Parse reads body as a feed. Bodies that are not a feed, or are broken
// beyond repair, give an error wrapping ErrUnparseable.
func (feedParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	feed, err := parseFeed(body, m.ContentType)
	if err != nil {
		return nil, err
	}
	// The feed parser does not take a context; honour a cancellation that
	// arrived meanwhile before doing more work.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base := baseURL(m.URL)
	items := make([]watch.Item, 0, min(len(feed.Items), maxItems))
	for _, it := range feed.Items {
		if len(items) == maxItems {
			break
		}
		if it != nil {
			items = append(items, feedItem(it, base, m))
		}
	}
	return items, nil
}

// parseFeed runs gofeed, retrying once with the body decoded to UTF-8 when
// the first attempt fails on legacy-charset bytes.
func parseFeed(body []byte, contentType string) (feed *gofeed.Feed, err error) {
	// A panic in the third-party parser on hostile input must cost one poll,
	// not the process.
	defer func() {
		if r := recover(); r != nil {
			feed, err = nil, fmt.Errorf("%w: feed parser failed: %v", ErrUnparseable, r)
		}
	}()
	feed, err = newFeedParser().Parse(bytes.NewReader(body))
	if err != nil {
		if utf8Body, ok := toUTF8(body, contentType); ok {
			if f, err2 := newFeedParser().Parse(bytes.NewReader(utf8Body)); err2 == nil {
				feed, err = f, nil
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnparseable, err)
	}
	// gofeed reads any JSON object as an empty JSON Feed; an API listing or
	// "RSS in JSON" fetched as a feed must show up as a problem, not as
	// silence.
	if feed.FeedType == "json" && feed.FeedVersion == "" && len(feed.Items) == 0 {
		return nil, fmt.Errorf("%w: JSON document is not a JSON Feed", ErrUnparseable)
	}
	return feed, nil
}

// feedItem normalises one entry.
func feedItem(it *gofeed.Item, base *url.URL, m Meta) watch.Item {
	item := watch.Item{
		SourceID:  m.SourceID,
		Title:     truncate(plainText(it.Title), maxTitle),
		Text:      truncate(firstText(it.Content, it.Description, mediaDescription(it)), maxText),
		Author:    truncate(author(it), maxAuthor),
		URL:       itemURL(it, base),
		Published: published(it),
		Found:     m.Found,
	}
	item.Key = itemKey(it.GUID, item)
	return item
}

// firstText returns the plain text of the first field that has any.
func firstText(fields ...string) string {
	for _, f := range fields {
		if t := plainText(f); t != "" {
			return t
		}
	}
	return ""
}

// mediaDescription is Media RSS's description, the only text YouTube feeds carry.
func mediaDescription(it *gofeed.Item) string {
	media := it.Extensions["media"]
	if d := media["description"]; len(d) > 0 {
		return d[0].Value
	}
	for _, g := range media["group"] {
		if d := g.Children["description"]; len(d) > 0 {
			return d[0].Value
		}
	}
	return ""
}

func author(it *gofeed.Item) string {
	people := append([]*gofeed.Person{it.Author}, it.Authors...)
	for _, p := range people {
		if p != nil {
			if name := plainText(p.Name); name != "" {
				return name
			}
		}
	}
	for _, p := range people {
		if p != nil {
			if email := plainText(p.Email); email != "" {
				return email
			}
		}
	}
	return ""
}

// itemURL is the entry's link, else another of its links, else its GUID when
// that is itself an absolute web URL (RSS permalinks often are).
func itemURL(it *gofeed.Item, base *url.URL) string {
	if u := absURL(it.Link, base); u != "" {
		return u
	}
	for _, l := range it.Links {
		if u := absURL(l, base); u != "" {
			return u
		}
	}
	return absURL(it.GUID, nil)
}

// extraDateLayouts are seen in the wild but unknown to gofeed. They carry no
// zone; like gofeed's own zone-less layouts, they are read as UTC.
var extraDateLayouts = []string{"2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2"}

// published is the entry's publication time, else its update time, in UTC.
func published(it *gofeed.Item) time.Time {
	for _, t := range []*time.Time{it.PublishedParsed, it.UpdatedParsed} {
		if t != nil && !t.IsZero() {
			return t.UTC()
		}
	}
	for _, s := range []string{it.Published, it.Updated} {
		s = strings.TrimSpace(s)
		for _, layout := range extraDateLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

// itemKey is the entry's identity within its source: its GUID or id, else
// its canonical URL, else a hash of its content.
func itemKey(guid string, item watch.Item) string {
	key := strings.ToValidUTF8(strings.TrimSpace(guid), "\uFFFD")
	switch {
	case key != "":
	case item.URL != "":
		key = canonicalURL(item.URL)
	default:
		return hashKey(item.Title + "\n" + item.Text)
	}
	// Hostile ids can be megabytes long; a hash is as good an identity.
	if len(key) > maxKey {
		return hashKey(key)
	}
	return key
}

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
