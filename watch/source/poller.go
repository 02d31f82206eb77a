package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

// Poller polls a source: a conditional GET through the one fetch client,
// the parser of the source's kind, then, for kinds that page, the older
// pages a burst spilled onto. It satisfies watch.Poller.
type Poller struct {
	client *fetch.Client
	now    func() time.Time
	log    *slog.Logger
}

// PollerOptions tune a Poller; zero values take defaults.
type PollerOptions struct {
	Now    func() time.Time // the clock for Item.Found; nil means time.Now
	Logger *slog.Logger     // nil discards
}

// NewPoller makes a poller over client.
func NewPoller(client *fetch.Client) *Poller {
	return NewPollerWith(client, PollerOptions{})
}

// NewPollerWith makes a poller over client with options.
func NewPollerWith(client *fetch.Client, opts PollerOptions) *Poller {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Poller{client: client, now: opts.Now, log: opts.Logger.With("component", "poller")}
}

// Poll fetches src (conditionally on prev's ETag and Last-Modified) and
// parses the body. A parse failure is a fetch.Error of class unparseable,
// so health and metrics report every failure in the same terms.
//
// For a kind that pages, Poll then follows the older pages, up to the
// source's "pages" option, and stops early at the page holding the item
// prev.Cursor names. When one of those older pages fails, the items read
// so far are returned with prev's validators and cursor, so that the next
// poll fetches the first page again and retries the gap.
func (p *Poller) Poll(ctx context.Context, src watch.Source, prev watch.SourceHealth) (watch.PollResult, error) {
	parser, ok := Lookup(src.Kind)
	if Pushed(src.Kind) {
		return watch.PollResult{}, fmt.Errorf("source %s: a %s source is pushed to, not polled", src.ID, src.Kind)
	}
	if !ok {
		return watch.PollResult{}, fmt.Errorf("source %s: unknown kind %q", src.ID, src.Kind)
	}
	resp, err := p.client.Get(ctx, fetch.Request{URL: src.URL, ETag: prev.ETag, LastModified: prev.LastModified})
	if err != nil {
		return watch.PollResult{}, err
	}
	if resp.NotModified {
		return watch.PollResult{NotModified: true, ETag: prev.ETag, LastModified: prev.LastModified, Cursor: prev.Cursor}, nil
	}
	found := p.now().UTC()
	page, err := p.parse(ctx, parser, src, prev, resp, found)
	if err != nil {
		return watch.PollResult{}, err
	}
	res := watch.PollResult{ETag: resp.ETag, LastModified: resp.LastModified, Cursor: page.Cursor}
	if res.Cursor == "" {
		res.Cursor = prev.Cursor
	}
	c := collector{seen: map[string]bool{}}
	c.add(page.Items)

	fetched := map[string]bool{src.URL: true, resp.FinalURL: true}
	limit := pageLimit(src.Options)
	for n := 1; n < limit && !reached(page.Items, prev.Cursor); n++ {
		next := nextPage(page.Next, src.URL, fetched)
		if next == "" {
			break
		}
		fetched[next] = true
		resp, err = p.client.Get(ctx, fetch.Request{URL: next})
		if err == nil {
			fetched[resp.FinalURL] = true
			page, err = p.parse(ctx, parser, src, prev, resp, found)
		}
		if err != nil {
			if ctx.Err() != nil {
				return watch.PollResult{}, err
			}
			p.log.Warn("older page failed; keeping the cursor to retry", "source", src.ID, "page", n+1, "err", err)
			return watch.PollResult{Items: c.items, ETag: prev.ETag, LastModified: prev.LastModified, Cursor: prev.Cursor}, nil
		}
		c.add(page.Items)
	}
	res.Items = c.items
	return res, nil
}

// parse runs the parser on one response and stamps the items with the
// body's hash.
func (p *Poller) parse(ctx context.Context, parser Parser, src watch.Source, prev watch.SourceHealth, resp *fetch.Response, found time.Time) (Page, error) {
	m := Meta{SourceID: src.ID, URL: resp.FinalURL, ContentType: resp.ContentType, Found: found,
		Options: src.Options, Cursor: prev.Cursor}
	var page Page
	var err error
	if pg, ok := parser.(Pager); ok {
		page, err = pg.ParsePage(ctx, resp.Body, m)
	} else {
		page.Items, err = parser.Parse(ctx, resp.Body, m)
		page.Cursor = newestKey(page.Items)
	}
	if err != nil {
		if ctx.Err() != nil {
			return Page{}, err
		}
		if what := wall(resp.Body); what != "" {
			return Page{}, wallError(what, src.Kind, resp, err)
		}
		return Page{}, &fetch.Error{Class: fetch.ClassUnparseable, Msg: "cannot parse the " + src.Kind, Err: err}
	}
	sum := sha256.Sum256(resp.Body)
	hash := hex.EncodeToString(sum[:])
	for i := range page.Items {
		page.Items[i].BodySHA256 = hash
	}
	return page, nil
}

// reached reports whether items hold the previous poll's newest item.
func reached(items []watch.Item, cursor string) bool {
	if cursor == "" {
		return false
	}
	for _, it := range items {
		if it.Key == cursor {
			return true
		}
	}
	return false
}

// nextPage vets a next-page URL: a web URL on the source's own host, not
// fetched yet in this poll. A page's markup chooses its next link; it must
// not send the poller to other sites or round in circles.
func nextPage(next, srcURL string, fetched map[string]bool) string {
	if next == "" || fetched[next] {
		return ""
	}
	n, err := url.Parse(next)
	if err != nil || !isWebURL(n) {
		return ""
	}
	s, err := url.Parse(srcURL)
	if err != nil || !strings.EqualFold(n.Hostname(), s.Hostname()) {
		return ""
	}
	return next
}

// collector gathers the items of several pages, each key once: offset
// paging shifts under new posts, so pages can overlap.
type collector struct {
	items []watch.Item
	seen  map[string]bool
}

func (c *collector) add(items []watch.Item) {
	for _, it := range items {
		if c.seen[it.Key] {
			continue
		}
		c.seen[it.Key] = true
		c.items = append(c.items, it)
	}
}
