package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

// KindManual items are captured by an analyst: a URL pasted in the console,
// fetched once. The manual "source" is not configured and never polled.
const KindManual = "manual"

// maxCaptureItems is the most items one capture of a feed keeps.
const maxCaptureItems = 20

// ErrBadCaptureURL is returned for a URL that is not an absolute web URL.
var ErrBadCaptureURL = errors.New("not an absolute http or https URL")

// Capture fetches rawURL once through client (its SSRF guard, timeouts and
// caps apply, as to any poll) and reads what came back: a feed gives its
// newest items (at most 20), any other page one item with its title and
// text. Items belong to source id src, stamped with the body's hash.
// Fetch failures are *fetch.Error with their class; a body that is neither
// a feed nor a page with text is of class unparseable.
func Capture(ctx context.Context, client *fetch.Client, src, rawURL string, found time.Time) ([]watch.Item, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || !isWebURL(u) || len(rawURL) > maxURL {
		return nil, ErrBadCaptureURL
	}
	resp, err := client.Get(ctx, fetch.Request{URL: u.String()})
	if err != nil {
		return nil, err
	}
	m := Meta{SourceID: src, URL: resp.FinalURL, ContentType: resp.ContentType, Found: found.UTC()}
	var items []watch.Item
	if looksLikeFeed(resp.Body, resp.ContentType) {
		items, err = feedParser{}.Parse(ctx, resp.Body, m)
		if len(items) > maxCaptureItems {
			items = items[:maxCaptureItems]
		}
	} else {
		items, err = pageCapture(resp.Body, m)
	}
	if err == nil && len(items) == 0 {
		err = fmt.Errorf("%w: nothing to capture: no items and no text", ErrUnparseable)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, &fetch.Error{Class: fetch.ClassUnparseable, Msg: "cannot read the page", Err: err}
	}
	hash := BodyHash(resp.Body)
	for i := range items {
		items[i].BodySHA256 = hash
	}
	return items, nil
}

// looksLikeFeed tells a feed from a page by its media type, else by how
// the body starts.
func looksLikeFeed(body []byte, contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml":
		return true
	case "text/html", "application/xhtml+xml":
		return false
	}
	head := bytes.ToLower(bytes.TrimSpace(bytes.TrimPrefix(body[:min(len(body), 512)], utf8BOM)))
	return bytes.HasPrefix(head, []byte("<?xml")) || bytes.HasPrefix(head, []byte("<rss")) ||
		bytes.HasPrefix(head, []byte("<feed")) || bytes.HasPrefix(head, []byte("{"))
}

// pageCapture reads an HTML page as one item: its title (og:title, else
// <title>, else the first heading), its text (the <article> or <main>,
// else the body) and language. The URL is the one fetched (after
// redirects), not what the page claims as canonical: evidence says where it
// was seen.
func pageCapture(body []byte, m Meta) ([]watch.Item, error) {
	doc, err := loadHTML(body, m.ContentType)
	if err != nil {
		return nil, err
	}
	title := ""
	if t, ok := doc.Find(`meta[property="og:title"]`).First().Attr("content"); ok {
		title = t
	}
	for _, sel := range []string{"title", "h1"} {
		if strings.TrimSpace(title) == "" {
			title = selectionText(doc.Find(sel).First())
		}
	}
	text := ""
	for _, sel := range []string{"article", "main", "body"} {
		if text = selectionText(doc.Find(sel).First()); text != "" {
			break
		}
	}
	it := watch.Item{
		SourceID: m.SourceID,
		URL:      absURL(m.URL, nil),
		Title:    truncate(plainText(title), maxTitle),
		Text:     truncate(text, maxText),
		Language: docLanguage(doc),
		Found:    m.Found,
	}
	if it.Title == "" && it.Text == "" {
		return nil, nil
	}
	it.Key = itemKey("", it)
	return []watch.Item{it}, nil
}
