package source

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// redditParser reads Reddit's JSON listings: /r/NAME/new.json,
// /search.json?q=..., /user/NAME/comments.json. Posts (t3) and comments
// (t1) become items; other kinds of thing (subreddits, "more") are skipped.
// Older pages are asked for with the listing's "after" cursor.
type redditParser struct{}

type redditListing struct {
	Kind string `json:"kind"`
	Data *struct {
		After    string            `json:"after"`
		Children []json.RawMessage `json:"children"`
	} `json:"data"`
	apiError
}

type redditThing struct {
	Kind string          `json:"kind"`
	Data json.RawMessage `json:"data"`
}

// redditData holds the fields of posts and comments that items use.
type redditData struct {
	Name          string  `json:"name"`
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	LinkTitle     string  `json:"link_title"`
	Author        string  `json:"author"`
	Permalink     string  `json:"permalink"`
	URL           string  `json:"url"`
	URLOverridden string  `json:"url_overridden_by_dest"`
	IsSelf        bool    `json:"is_self"`
	Selftext      string  `json:"selftext"`
	Body          string  `json:"body"`
	CreatedUTC    float64 `json:"created_utc"`
	Preview       *struct {
		Images []struct {
			Source struct {
				URL string `json:"url"`
			} `json:"source"`
		} `json:"images"`
	} `json:"preview"`
	Media *struct {
		RedditVideo *struct {
			FallbackURL string `json:"fallback_url"`
		} `json:"reddit_video"`
	} `json:"media"`
}

func (r redditParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	p, err := r.ParsePage(ctx, body, m)
	return p.Items, err
}

// ParsePage reads one listing. A body that is not a listing gives an error
// wrapping ErrUnparseable; one bad child is skipped, not fatal.
func (redditParser) ParsePage(ctx context.Context, body []byte, m Meta) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	var l redditListing
	if err := decodeJSON(body, &l, "a Reddit listing"); err != nil {
		return Page{}, err
	}
	if l.Kind != "Listing" || l.Data == nil {
		msg := "not a Reddit listing"
		if d := l.describe(); d != "" {
			msg += " (" + d + ")"
		}
		return Page{}, fmt.Errorf("%w: %s", ErrUnparseable, msg)
	}
	base := baseURL(m.URL)
	var items []watch.Item
	for _, raw := range l.Data.Children {
		if len(items) == maxItems {
			break
		}
		var t redditThing
		if json.Unmarshal(raw, &t) != nil || (t.Kind != "t3" && t.Kind != "t1") {
			continue
		}
		var d redditData
		if json.Unmarshal(t.Data, &d) != nil || (d.Name == "" && d.ID == "") {
			continue // a thing without an identity is not one to record
		}
		items = append(items, redditItem(t.Kind, d, base, m))
	}
	page := Page{Items: items, Cursor: newestKey(items)}
	if after := strings.TrimSpace(l.Data.After); after != "" && len(items) > 0 && len(after) <= 64 {
		page.Next = withQuery(m.URL, "after", after, "before", "count")
	}
	return page, nil
}

func redditItem(kind string, d redditData, base *url.URL, m Meta) watch.Item {
	item := watch.Item{
		SourceID:  m.SourceID,
		URL:       absURL(d.Permalink, base),
		Author:    redditAuthor(d.Author),
		Published: unixTime(d.CreatedUTC),
		Found:     m.Found,
	}
	if kind == "t3" {
		item.Title = truncate(plainText(d.Title), maxTitle)
		item.Text = truncate(plainText(d.Selftext), maxText)
		item.MediaLinks = redditMedia(d, item.URL, base)
	} else {
		item.Title = truncate(plainText(d.LinkTitle), maxTitle)
		item.Text = truncate(plainText(d.Body), maxText)
	}
	name := d.Name
	if name == "" {
		name = kind + "_" + d.ID
	}
	item.Key = itemKey(name, item)
	return item
}

// redditAuthor is "u/NAME"; deleted authors are no author.
func redditAuthor(name string) string {
	if name == "[deleted]" {
		return ""
	}
	return handle("u/", name)
}

// redditMedia lists what a post links to beyond itself: the linked page or
// file, the hosted video and the preview image. Reddit escapes "&" in the
// URLs inside its JSON as "&amp;".
func redditMedia(d redditData, self string, base *url.URL) []string {
	media := mediaList{base: base}
	if !d.IsSelf {
		for _, u := range []string{d.URLOverridden, d.URL} {
			if u = html.UnescapeString(u); u != "" && absURL(u, base) != self {
				media.add(u)
				break
			}
		}
	}
	if d.Media != nil && d.Media.RedditVideo != nil {
		media.add(html.UnescapeString(d.Media.RedditVideo.FallbackURL))
	}
	if d.Preview != nil && len(d.Preview.Images) > 0 {
		media.add(html.UnescapeString(d.Preview.Images[0].Source.URL))
	}
	return media.links
}

// checkSource wants a JSON listing URL.
func (redditParser) checkSource(u *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindReddit, opts, "pages")
	errs = append(errs, checkPages(opts)...)
	if !strings.HasSuffix(u.Path, ".json") {
		errs = append(errs, fmt.Errorf("url %q: a reddit source needs a JSON listing such as https://www.reddit.com/r/NAME/new.json", u.Redacted()))
	}
	return errs
}
