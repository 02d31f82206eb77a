package source

import (
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"
)

// rssTranslator is gofeed's RSS translator, keeping an <author> it could
// not read. RSS 2.0 asks for an e-mail address there; gofeed reads "a@b (Name)"
// and plain names but drops a bare handle such as "@one", which is how many
// bridges from social platforms fill the element. The handle is the author.
type rssTranslator struct{ gofeed.DefaultRSSTranslator }

func (t *rssTranslator) Translate(feed any) (*gofeed.Feed, error) {
	out, err := t.DefaultRSSTranslator.Translate(feed)
	if err != nil {
		return nil, err
	}
	in, ok := feed.(*rss.Feed)
	if !ok || len(in.Items) != len(out.Items) {
		return out, nil
	}
	for i, it := range out.Items {
		raw := strings.TrimSpace(in.Items[i].Author)
		if raw == "" || it == nil || hasPerson(it) {
			continue
		}
		p := &gofeed.Person{Name: raw}
		it.Author, it.Authors = p, []*gofeed.Person{p}
	}
	return out, nil
}

func hasPerson(it *gofeed.Item) bool {
	for _, p := range append([]*gofeed.Person{it.Author}, it.Authors...) {
		if p != nil && (strings.TrimSpace(p.Name) != "" || strings.TrimSpace(p.Email) != "") {
			return true
		}
	}
	return false
}

// newFeedParser is gofeed's parser with the translator above.
func newFeedParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &rssTranslator{}
	return p
}
