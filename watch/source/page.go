package source

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"github.com/watchroom/watchroom/watch"
)

// pageParser reads any HTML page with CSS selectors from the source's
// options: "item" picks the items and, within each, "title", "link",
// "date", "text", "author" and "location" pick the fields (":scope" is
// the item itself). "next" picks the link to an older page, for listings
// that page.
type pageParser struct{}

// pageFields are the options that select a field within an item.
var pageFields = []string{"title", "link", "date", "text", "author", "location"}

// pageOptions are all the options a page source takes.
var pageOptions = append([]string{"item", "next", "date_format", "timezone", "pages"}, pageFields...)

// selfSelector is the selector for the item itself. The CSS selector
// library does not know :scope, so it is handled here.
const selfSelector = ":scope"

// pageSpec is a page source's options, compiled.
type pageSpec struct {
	item    cascadia.Selector
	fields  map[string]cascadia.Selector // nil value: the item itself
	next    cascadia.Selector
	layouts []string
	loc     *time.Location
}

func compilePageSpec(opts map[string]string) (pageSpec, []error) {
	spec := pageSpec{fields: map[string]cascadia.Selector{}, loc: time.UTC}
	var errs []error
	compile := func(key string, self bool) (cascadia.Selector, bool) {
		v := strings.TrimSpace(opts[key])
		if self && v == selfSelector {
			return nil, true
		}
		sel, err := cascadia.Compile(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("option %q: bad CSS selector %q: %v", key, v, err))
			return nil, false
		}
		return sel, true
	}
	for _, k := range []string{"item", "title", "link"} {
		if strings.TrimSpace(opts[k]) == "" {
			errs = append(errs, fmt.Errorf("option %q: a page source needs the %s selector", k, k))
		}
	}
	if v := opts["item"]; strings.TrimSpace(v) != "" {
		spec.item, _ = compile("item", false)
	}
	for _, k := range pageFields {
		if strings.TrimSpace(opts[k]) == "" {
			continue
		}
		if sel, ok := compile(k, true); ok {
			spec.fields[k] = sel
		}
	}
	if strings.TrimSpace(opts["next"]) != "" {
		spec.next, _ = compile("next", false)
	}
	for _, l := range strings.Split(opts["date_format"], "|") {
		if l = strings.TrimSpace(l); l != "" {
			spec.layouts = append(spec.layouts, l)
		}
	}
	errs = append(errs, checkZone(opts, "timezone")...)
	spec.loc = optionZone(opts, "timezone")
	return spec, errs
}

func (p pageParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	page, err := p.ParsePage(ctx, body, m)
	return page.Items, err
}

// ParsePage picks the items out of one page. Missing or bad selectors are
// an error; a page where the item selector matches nothing gives no items.
func (pageParser) ParsePage(ctx context.Context, body []byte, m Meta) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	spec, errs := compilePageSpec(m.Options)
	if len(errs) > 0 {
		return Page{}, fmt.Errorf("page source options: %w", errs[0])
	}
	doc, err := loadHTML(body, m.ContentType)
	if err != nil {
		return Page{}, err
	}
	base := docBase(doc, m.URL)
	lang := docLanguage(doc)
	var items []watch.Item
	var ids []string // the items' id attributes, to point at link-less ones
	doc.FindMatcher(spec.item).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		if ctx.Err() != nil || len(items) == maxItems {
			return false
		}
		if it, ok := spec.pageItem(s, base, m); ok {
			it.Language = lang
			items = append(items, it)
			id, _ := s.Attr("id")
			ids = append(ids, id)
		}
		return true
	})
	if err := ctx.Err(); err != nil {
		return Page{}, err
	}
	pageKeys(items, ids, m.URL)
	page := Page{Items: items, Cursor: newestKey(items)}
	if spec.next != nil {
		page.Next = hrefOf(doc.FindMatcher(spec.next), base)
	}
	return page, nil
}

// field is the selection for one field of item s: the item itself, the
// first match within it, or nothing when the option is not set.
func (spec pageSpec) field(s *goquery.Selection, key string) *goquery.Selection {
	sel, ok := spec.fields[key]
	switch {
	case !ok:
		return s.Slice(0, 0)
	case sel == nil:
		return s
	}
	return s.FindMatcher(sel).First()
}

// pageItem reads one item; ok is false for an item with nothing in it.
func (spec pageSpec) pageItem(s *goquery.Selection, base *url.URL, m Meta) (watch.Item, bool) {
	item := watch.Item{
		SourceID:  m.SourceID,
		Title:     truncate(selectionText(spec.field(s, "title")), maxTitle),
		Text:      truncate(selectionText(spec.field(s, "text")), maxText),
		Author:    truncate(selectionText(spec.field(s, "author")), maxAuthor),
		Location:  truncate(selectionText(spec.field(s, "location")), maxTitle),
		URL:       hrefOf(spec.field(s, "link"), base),
		Published: spec.date(spec.field(s, "date")),
		Found:     m.Found,
	}
	if item.Title == "" && item.Text == "" && item.URL == "" {
		return item, false
	}
	return item, true
}

// date reads a date element: a date in an attribute (<time datetime>,
// <meta content>, a link's title) when it has one, else its text.
func (spec pageSpec) date(s *goquery.Selection) time.Time {
	if s.Length() == 0 {
		return time.Time{}
	}
	for _, attr := range []string{"datetime", "content", "title"} {
		if v, ok := s.Attr(attr); ok {
			if t := pageDate(v, nil, spec.loc); !t.IsZero() {
				return t
			}
		}
	}
	return pageDate(selectionText(s), spec.layouts, spec.loc)
}

// pageKeys gives each item its key: its link when no other item on the
// page shares it, else a hash of link, title and text (pages often repeat
// one "details" or "register" link). An item without a link then points
// at the page itself, at the item's id when it has one.
func pageKeys(items []watch.Item, ids []string, pageURL string) {
	count := map[string]int{}
	for _, it := range items {
		if it.URL != "" {
			count[canonicalURL(it.URL)]++
		}
	}
	self := absURL(pageURL, nil)
	for i := range items {
		it := &items[i]
		switch {
		case it.URL != "" && count[canonicalURL(it.URL)] == 1:
			it.Key = itemKey("", *it)
		default:
			it.Key = hashKey(it.URL + "\n" + it.Title + "\n" + it.Text + "\n" + it.Published.String())
		}
		if it.URL == "" {
			it.URL = withFragment(self, ids[i])
		}
	}
}

// checkSource wants the item, title and link selectors, and every
// selector, layout and zone given to be usable.
func (pageParser) checkSource(_ *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindPage, opts, pageOptions...)
	errs = append(errs, checkPages(opts)...)
	_, specErrs := compilePageSpec(opts)
	return append(errs, specErrs...)
}

// withFragment points a page URL at an element id; the page URL alone when
// there is no usable id.
func withFragment(page, id string) string {
	u, err := url.Parse(page)
	id = strings.TrimSpace(id)
	if err != nil || page == "" || id == "" || len(id) > 256 {
		return page
	}
	u.Fragment, u.RawFragment = id, ""
	if s := u.String(); len(s) <= maxURL {
		return s
	}
	return page
}
