// Package source turns what a source returned into normalised watch.Items.
// There is one file per kind of source; Lookup maps a kind to its parser.
// Everything a source returns is hostile: parsers cap, clean and never panic.
package source

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Meta describes where a body came from.
type Meta struct {
	SourceID    string
	URL         string // the URL fetched (after redirects); the base for relative links
	ContentType string // the response's Content-Type, charset included
	Found       time.Time
	Options     map[string]string // the source's per-kind options; nil means the defaults
	// Cursor is the newest position (item key) the previous poll reached,
	// "" when there was none. Paging kinds use it to page no further back.
	Cursor string
}

// Parser turns one body into items.
type Parser interface {
	Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error)
}

// ErrUnparseable is wrapped by parse errors for bodies that cannot be read as
// the kind of source they were fetched for.
var ErrUnparseable = errors.New("unparseable source content")

// Kinds of source.
const (
	KindFeed     = "feed"
	KindReddit   = "reddit"
	KindMastodon = "mastodon"
	KindBluesky  = "bluesky"
	KindTelegram = "telegram"
	KindPage     = "page"
	KindICal     = "ical"
)

// constructors is a function rather than a package variable so that the
// registry cannot be changed at run time.
func constructors() map[string]func() Parser {
	return map[string]func() Parser{
		KindFeed:     func() Parser { return feedParser{} },
		KindReddit:   func() Parser { return redditParser{} },
		KindMastodon: func() Parser { return mastodonParser{} },
		KindBluesky:  func() Parser { return blueskyParser{} },
		KindTelegram: func() Parser { return telegramParser{} },
		KindPage:     func() Parser { return pageParser{} },
		KindICal:     func() Parser { return icalParser{} },
		KindWebhook:  func() Parser { return webhookParser{} },
	}
}

// Lookup returns the parser for kind.
func Lookup(kind string) (Parser, bool) {
	c, ok := constructors()[kind]
	if !ok {
		return nil, false
	}
	return c(), true
}

// Kinds returns the known kinds, sorted.
func Kinds() []string {
	cs := constructors()
	kinds := make([]string, 0, len(cs))
	for k := range cs {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}
