package source

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Page is one parsed page of a source.
type Page struct {
	Items []watch.Item
	// Next is the URL of the next, older page of the same listing, to be
	// fetched within the same poll; "" when there is none.
	Next string
	// Cursor is the key of the newest item on the page; "" when the page
	// holds none.
	Cursor string
}

// Pager is a Parser whose pages link to older pages. The Poller follows
// Next, up to the source's page limit, until a page holds the item named
// by the previous poll's cursor: a burst of posts between two polls is
// then read to its end rather than cut at the first page.
type Pager interface {
	Parser
	ParsePage(ctx context.Context, body []byte, m Meta) (Page, error)
}

// Page limits: the "pages" option, how many pages one poll may fetch.
const (
	DefaultPages = 3
	MaxPages     = 20
)

// pageLimit reads the "pages" option; a missing or bad value (which
// CheckSource reports) is the default.
func pageLimit(opts map[string]string) int {
	n, err := strconv.Atoi(opts["pages"])
	if err != nil || n < 1 || n > MaxPages {
		return DefaultPages
	}
	return n
}

// newestKey is the key of the item published last; among items without a
// time, or equal times, the first one. "" for no items.
func newestKey(items []watch.Item) string {
	best := -1
	var bestAt time.Time
	for i, it := range items {
		if best < 0 || it.Published.After(bestAt) {
			best, bestAt = i, it.Published
		}
	}
	if best < 0 {
		return ""
	}
	return items[best].Key
}

// withQuery returns raw with the query parameter key set to value (and
// the parameters in drop removed), or "" when raw is not a web URL.
func withQuery(raw, key, value string, drop ...string) string {
	u, err := url.Parse(raw)
	if err != nil || !isWebURL(u) {
		return ""
	}
	q := u.Query()
	for _, d := range drop {
		q.Del(d)
	}
	q.Set(key, value)
	u.RawQuery = q.Encode()
	s := u.String()
	if len(s) > maxURL {
		return ""
	}
	return s
}
