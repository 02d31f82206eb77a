package source

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// blueskyParser reads app.bsky.feed.searchPosts from a public AppView (and
// app.bsky.feed.getAuthorFeed, whose posts come wrapped in "feed"). Older
// pages are asked for with the response's cursor. Post links point at the
// web app (option "web", default https://bsky.app), built from the
// author's handle and the post's record key.
type blueskyParser struct{}

// defaultBlueskyWeb is where post links point unless option "web" says.
const defaultBlueskyWeb = "https://bsky.app"

type blueskyResponse struct {
	Posts []json.RawMessage `json:"posts"`
	Feed  []struct {
		Post json.RawMessage `json:"post"`
	} `json:"feed"`
	Cursor string `json:"cursor"`
	apiError
}

type blueskyPost struct {
	URI    string `json:"uri"`
	Author struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
	} `json:"author"`
	Record struct {
		Text      string   `json:"text"`
		CreatedAt string   `json:"createdAt"`
		Langs     []string `json:"langs"`
	} `json:"record"`
	IndexedAt string        `json:"indexedAt"`
	Embed     *blueskyEmbed `json:"embed"`
}

// blueskyEmbed is an embed's view: images, a link card, a video, or (for
// a quote post with media) another embed under "media".
type blueskyEmbed struct {
	Images []struct {
		Fullsize string `json:"fullsize"`
	} `json:"images"`
	External *struct {
		URI string `json:"uri"`
	} `json:"external"`
	Playlist string        `json:"playlist"`
	Media    *blueskyEmbed `json:"media"`
}

// Forms of the parts of a post's web link: an AT URI naming a post, a
// handle and a DID.
var (
	blueskyPostURI = regexp.MustCompile(`^at://([A-Za-z0-9._:%-]{1,256})/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})$`)
	blueskyHandle  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$`)
	blueskyDID     = regexp.MustCompile(`^did:[a-z]+:[A-Za-z0-9._:%-]{1,1000}$`)
)

func (b blueskyParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	page, err := b.ParsePage(ctx, body, m)
	return page.Items, err
}

// ParsePage reads one page of posts. A body without "posts" or "feed"
// (an XRPC error, another method's output) wraps ErrUnparseable.
func (blueskyParser) ParsePage(ctx context.Context, body []byte, m Meta) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	var r blueskyResponse
	if err := decodeJSON(body, &r, "a Bluesky searchPosts"); err != nil {
		return Page{}, err
	}
	raws := r.Posts
	for _, f := range r.Feed {
		raws = append(raws, f.Post)
	}
	if r.Posts == nil && r.Feed == nil {
		msg := "no posts in the Bluesky response"
		if d := r.describe(); d != "" {
			msg += " (" + d + ")"
		}
		return Page{}, fmt.Errorf("%w: %s", ErrUnparseable, msg)
	}
	web := baseURL(defaultBlueskyWeb)
	if w := baseURL(m.Options["web"]); w != nil {
		web = w
	}
	var items []watch.Item
	for _, raw := range raws {
		if len(items) == maxItems {
			break
		}
		var p blueskyPost
		if json.Unmarshal(raw, &p) != nil || p.URI == "" {
			continue
		}
		items = append(items, blueskyItem(p, web, m))
	}
	page := Page{Items: items, Cursor: newestKey(items)}
	if c := strings.TrimSpace(r.Cursor); c != "" && len(items) > 0 && len(c) <= 512 {
		page.Next = withQuery(m.URL, "cursor", c)
	}
	return page, nil
}

func blueskyItem(p blueskyPost, web *url.URL, m Meta) watch.Item {
	item := watch.Item{
		SourceID:  m.SourceID,
		Text:      truncate(plainText(p.Record.Text), maxText),
		Author:    blueskyAuthor(p.Author.Handle, p.Author.DID),
		URL:       blueskyPostURL(p, web),
		Published: apiTime(p.Record.CreatedAt),
		Found:     m.Found,
	}
	if item.Published.IsZero() {
		item.Published = apiTime(p.IndexedAt)
	}
	if len(p.Record.Langs) > 0 {
		item.Language = language(p.Record.Langs[0])
	}
	media := mediaList{}
	for e, depth := p.Embed, 0; e != nil && depth < 2; e, depth = e.Media, depth+1 {
		for _, img := range e.Images {
			media.add(img.Fullsize)
		}
		if e.External != nil {
			media.add(e.External.URI)
		}
		media.add(e.Playlist)
	}
	item.MediaLinks = media.links
	item.Key = itemKey(p.URI, item)
	return item
}

// blueskyAuthor is "@handle"; an account whose handle no longer checks out
// ("handle.invalid") is named by its DID.
func blueskyAuthor(h, did string) string {
	if blueskyHandle.MatchString(h) && h != "handle.invalid" {
		return handle("@", h)
	}
	if blueskyDID.MatchString(did) {
		return truncate(did, maxAuthor)
	}
	return ""
}

// blueskyPostURL is WEB/profile/HANDLE/post/RKEY, with the DID in place of
// a handle that is missing or invalid; "" when the URI names no post.
func blueskyPostURL(p blueskyPost, web *url.URL) string {
	m := blueskyPostURI.FindStringSubmatch(p.URI)
	if m == nil {
		return ""
	}
	actor := p.Author.Handle
	if !blueskyHandle.MatchString(actor) || actor == "handle.invalid" {
		actor = m[1]
		if !blueskyDID.MatchString(actor) {
			return ""
		}
	}
	u := *web
	u.Path = strings.TrimSuffix(u.Path, "/") + "/profile/" + actor + "/post/" + m[2]
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	return absURL(u.String(), nil)
}

// checkSource wants searchPosts with a query (or getAuthorFeed with an
// actor) and a web app that is a web URL.
func (blueskyParser) checkSource(u *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindBluesky, opts, "pages", "web")
	errs = append(errs, checkPages(opts)...)
	if w, ok := opts["web"]; ok && baseURL(w) == nil {
		errs = append(errs, fmt.Errorf("option \"web\": %q is not an absolute http or https URL", w))
	}
	q := u.Query()
	switch {
	case strings.HasSuffix(u.Path, "/xrpc/app.bsky.feed.searchPosts"):
		if strings.TrimSpace(q.Get("q")) == "" {
			errs = append(errs, fmt.Errorf("url %q: searchPosts needs a query, ?q=WORDS", u.Redacted()))
		}
	case strings.HasSuffix(u.Path, "/xrpc/app.bsky.feed.getAuthorFeed"):
		if strings.TrimSpace(q.Get("actor")) == "" {
			errs = append(errs, fmt.Errorf("url %q: getAuthorFeed needs an account, ?actor=HANDLE", u.Redacted()))
		}
	default:
		errs = append(errs, fmt.Errorf("url %q: a bluesky source needs https://HOST/xrpc/app.bsky.feed.searchPosts?q=WORDS", u.Redacted()))
	}
	return errs
}
