package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/watchroom/watchroom/watch"
)

// telegramParser reads a public channel's web preview, https://t.me/s/NAME:
// each message's text, date, link, views, forwarded-from and media. The
// page shows the latest messages, oldest first, under a "before" link to
// older ones, which is the next page.
//
// Views and the channel a message was forwarded from have no field of
// their own in an item; they make its title ("Forwarded from X · 1.2K
// views"), which a board shows above the text.
type telegramParser struct{}

// ErrTelegramLanding is wrapped by the error for a channel's landing page
// (t.me/NAME), which carries no messages: the web preview is t.me/s/NAME.
var ErrTelegramLanding = errors.New("this is a Telegram channel's landing page, not its web preview; poll https://t.me/s/NAME")

// Forms of a message's data-post ("channel/123") and of a channel URL path.
var (
	telegramPost = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}/[0-9]{1,12}$`)
	telegramPath = regexp.MustCompile(`^/s/[A-Za-z0-9_]{1,64}/?$`)
)

func (t telegramParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	page, err := t.ParsePage(ctx, body, m)
	return page.Items, err
}

// ParsePage reads one page of messages. A landing page gives an error
// wrapping ErrTelegramLanding (and ErrUnparseable); a page that is not
// Telegram's at all wraps ErrUnparseable.
func (telegramParser) ParsePage(ctx context.Context, body []byte, m Meta) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	doc, err := loadHTML(body, m.ContentType)
	if err != nil {
		return Page{}, err
	}
	msgs := doc.Find(".tgme_widget_message[data-post]")
	if msgs.Length() == 0 {
		switch {
		case doc.Find(".tgme_channel_history, .tgme_widget_message_wrap").Length() > 0:
			return Page{}, nil // a channel with no messages yet
		case doc.Find(".tgme_page, .tgme_page_extra").Length() > 0:
			if preview := hrefOf(doc.Find("a.tgme_page_context_link"), docBase(doc, m.URL)); preview != "" {
				return Page{}, fmt.Errorf("%w: %w (this channel's is %s)", ErrUnparseable, ErrTelegramLanding, preview)
			}
			return Page{}, fmt.Errorf("%w: %w", ErrUnparseable, ErrTelegramLanding)
		}
		return Page{}, fmt.Errorf("%w: no Telegram messages on the page", ErrUnparseable)
	}
	base := docBase(doc, m.URL)
	var items []watch.Item
	msgs.EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if err := ctx.Err(); err != nil || len(items) == maxItems {
			return false
		}
		items = append(items, telegramItem(s, base, m))
		return true
	})
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	page := Page{Items: items, Cursor: newestKey(items)}
	more := doc.Find("a.tme_messages_more[data-before]").First()
	if href, ok := more.Attr("href"); ok {
		page.Next = absURL(href, base)
	}
	return page, nil
}

func telegramItem(s *goquery.Selection, base *url.URL, m Meta) watch.Item {
	item := watch.Item{
		SourceID:  m.SourceID,
		Text:      truncate(selectionText(telegramText(s)), maxText),
		Author:    truncate(telegramAuthor(s), maxAuthor),
		Published: telegramDate(s),
		Found:     m.Found,
	}
	date := s.Find("a.tgme_widget_message_date").First()
	item.URL = hrefOf(date, base)
	post, _ := s.Attr("data-post")
	post = strings.TrimSpace(post)
	if item.URL == "" && telegramPost.MatchString(post) {
		item.URL = "https://t.me/" + post
	}
	item.Title = truncate(telegramTitle(s), maxTitle)
	item.MediaLinks = telegramMedia(s, base)
	if !telegramPost.MatchString(post) {
		post = ""
	}
	item.Key = itemKey(post, item)
	return item
}

// telegramText is the message's own text: not the quoted text of the
// message it replies to, and the outer one where a forwarded message nests
// a second.
func telegramText(s *goquery.Selection) *goquery.Selection {
	return s.Find(".tgme_widget_message_text").FilterFunction(func(_ int, t *goquery.Selection) bool {
		return t.ParentsFiltered(".tgme_widget_message_reply, .tgme_widget_message_link_preview").Length() == 0
	}).First()
}

// telegramAuthor is the post's signature when the channel signs posts,
// else the channel's name.
func telegramAuthor(s *goquery.Selection) string {
	if a := selectionText(s.Find(".tgme_widget_message_from_author").First()); a != "" {
		return a
	}
	return selectionText(s.Find(".tgme_widget_message_owner_name").First())
}

// telegramDate is when the message was posted, from its footer's <time>.
func telegramDate(s *goquery.Selection) time.Time {
	t := s.Find(".tgme_widget_message_date time[datetime]").First()
	if t.Length() == 0 {
		t = s.Find(".tgme_widget_message_footer time[datetime]").First()
	}
	dt, _ := t.Attr("datetime")
	return apiTime(dt)
}

// telegramTitle carries what the item has no field for: the channel a
// message was forwarded from and its view count.
func telegramTitle(s *goquery.Selection) string {
	var parts []string
	if from := selectionText(s.Find(".tgme_widget_message_forwarded_from_name").First()); from != "" {
		parts = append(parts, "Forwarded from "+from)
	}
	if views := selectionText(s.Find(".tgme_widget_message_views").First()); views != "" && len(views) <= 16 {
		parts = append(parts, views+" views")
	}
	return strings.Join(parts, " · ")
}

// telegramMedia lists the message's photos, videos, audio, documents and
// the page its link preview shows.
func telegramMedia(s *goquery.Selection, base *url.URL) []string {
	media := mediaList{base: base}
	s.Find(".tgme_widget_message_photo_wrap, .link_preview_image, .tgme_widget_message_video_thumb").Each(func(_ int, p *goquery.Selection) {
		media.add(styleURL(p))
	})
	s.Find("video[src], audio[src], source[src]").Each(func(_ int, v *goquery.Selection) {
		src, _ := v.Attr("src")
		media.add(src)
	})
	s.Find("a.tgme_widget_message_document_wrap[href], a.tgme_widget_message_link_preview[href]").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		media.add(href)
	})
	return media.links
}

// checkSource wants the web preview, /s/NAME, not the landing page.
func (telegramParser) checkSource(u *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindTelegram, opts, "pages")
	errs = append(errs, checkPages(opts)...)
	if !telegramPath.MatchString(u.Path) {
		errs = append(errs, fmt.Errorf("url %q: a telegram source needs the channel's web preview, https://t.me/s/NAME", u.Redacted()))
	}
	return errs
}
