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

// mastodonParser reads a fediverse instance's public hashtag timeline
// (/api/v1/timelines/tag/NAME): a JSON array of statuses, newest first.
// Older pages are asked for with max_id (the last status of the page) and,
// once a previous poll left a cursor, since_id, so that the instance
// itself stops at what was already read.
type mastodonParser struct{}

type mastodonStatus struct {
	ID          string  `json:"id"`
	CreatedAt   string  `json:"created_at"`
	URL         *string `json:"url"`
	URI         string  `json:"uri"`
	Content     string  `json:"content"`
	SpoilerText string  `json:"spoiler_text"`
	Language    *string `json:"language"`
	Account     struct {
		Acct string `json:"acct"`
	} `json:"account"`
	MediaAttachments []struct {
		URL       *string `json:"url"`
		RemoteURL *string `json:"remote_url"`
	} `json:"media_attachments"`
	Card *struct {
		URL string `json:"url"`
	} `json:"card"`
	Reblog *mastodonStatus `json:"reblog"`
}

// mastodonID is the form of status ids: Mastodon's are decimal, other
// servers' (Pleroma, Akkoma) alphanumeric.
var mastodonID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

func (p mastodonParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	page, err := p.ParsePage(ctx, body, m)
	return page.Items, err
}

// ParsePage reads one page of statuses. A body that is not a JSON array
// (an error object, an HTML page) wraps ErrUnparseable.
func (mastodonParser) ParsePage(ctx context.Context, body []byte, m Meta) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	var raws []json.RawMessage
	if err := decodeJSON(body, &raws, "a Mastodon timeline"); err != nil {
		var e apiError
		if json.Unmarshal(body, &e) == nil && e.describe() != "" {
			return Page{}, fmt.Errorf("%w: the instance answered with an error: %s", ErrUnparseable, e.describe())
		}
		return Page{}, err
	}
	if raws == nil {
		return Page{}, fmt.Errorf("%w: null is not a Mastodon timeline", ErrUnparseable)
	}
	base := baseURL(m.URL)
	instance := ""
	if base != nil {
		instance = base.Hostname()
	}
	var items []watch.Item
	first, last := "", ""
	for _, raw := range raws {
		if len(items) == maxItems {
			break
		}
		var s mastodonStatus
		if json.Unmarshal(raw, &s) != nil || !mastodonID.MatchString(s.ID) {
			continue
		}
		if first == "" {
			first = s.ID
		}
		last = s.ID
		items = append(items, mastodonItem(s, base, instance, m))
	}
	page := Page{Items: items, Cursor: first}
	if last != "" {
		drop := []string{"min_id"}
		next := withQuery(m.URL, "max_id", last, drop...)
		if mastodonID.MatchString(m.Cursor) {
			next = withQuery(next, "since_id", m.Cursor, drop...)
		}
		page.Next = next
	}
	return page, nil
}

// mastodonItem normalises a status; a boost shows the boosted status but
// keeps its own id, the timeline's position.
func mastodonItem(s mastodonStatus, base *url.URL, instance string, m Meta) watch.Item {
	id := s.ID
	if s.Reblog != nil {
		s = *s.Reblog
	}
	item := watch.Item{
		SourceID:  m.SourceID,
		Key:       id,
		Title:     truncate(plainText(s.SpoilerText), maxTitle),
		Text:      truncate(plainText(s.Content), maxText),
		Author:    mastodonAuthor(s.Account.Acct, instance),
		Published: apiTime(s.CreatedAt),
		Found:     m.Found,
	}
	if s.URL != nil {
		item.URL = absURL(*s.URL, nil)
	}
	if item.URL == "" {
		item.URL = absURL(s.URI, nil)
	}
	if s.Language != nil {
		item.Language = language(*s.Language)
	}
	media := mediaList{base: base}
	for _, a := range s.MediaAttachments {
		switch {
		case a.URL != nil && *a.URL != "":
			media.add(*a.URL)
		case a.RemoteURL != nil:
			media.add(*a.RemoteURL)
		}
	}
	if s.Card != nil {
		media.add(s.Card.URL)
	}
	item.MediaLinks = media.links
	return item
}

// mastodonAuthor is the account's full address, "@user@host": local
// accounts' acct lacks the host, which is the instance polled.
func mastodonAuthor(acct, instance string) string {
	acct = strings.TrimPrefix(cleanText(acct), "@")
	if acct == "" {
		return ""
	}
	if !strings.Contains(acct, "@") && instance != "" {
		acct += "@" + instance
	}
	return handle("@", acct)
}

// mastodonTagPath is the hashtag timeline's path.
var mastodonTagPath = regexp.MustCompile(`^/api/v1/timelines/tag/[^/]+$`)

// checkSource wants a hashtag timeline URL.
func (mastodonParser) checkSource(u *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindMastodon, opts, "pages")
	errs = append(errs, checkPages(opts)...)
	if !mastodonTagPath.MatchString(u.Path) {
		errs = append(errs, fmt.Errorf("url %q: a mastodon source needs a hashtag timeline such as https://mastodon.social/api/v1/timelines/tag/NAME", u.Redacted()))
	}
	return errs
}
