package source

import (
	"context"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

// Poller polls a source: a conditional GET through the one fetch client,
// then the parser of the source's kind. It satisfies watch.Poller.
type Poller struct {
	client *fetch.Client
	now    func() time.Time
}

// NewPoller makes a poller over client.
func NewPoller(client *fetch.Client) *Poller {
	return &Poller{client: client, now: time.Now}
}

// Poll fetches src (conditionally on prev's ETag and Last-Modified) and
// parses the body. A parse failure is a fetch.Error of class unparseable,
// so health and metrics report every failure in the same terms.
func (p *Poller) Poll(ctx context.Context, src watch.Source, prev watch.SourceHealth) (watch.PollResult, error) {
	parser, ok := Lookup(src.Kind)
	if !ok {
		return watch.PollResult{}, fmt.Errorf("source %s: unknown kind %q", src.ID, src.Kind)
	}
	resp, err := p.client.Get(ctx, fetch.Request{URL: src.URL, ETag: prev.ETag, LastModified: prev.LastModified})
	if err != nil {
		return watch.PollResult{}, err
	}
	if resp.NotModified {
		return watch.PollResult{NotModified: true, ETag: prev.ETag, LastModified: prev.LastModified}, nil
	}
	items, err := parser.Parse(ctx, resp.Body, Meta{SourceID: src.ID, URL: resp.FinalURL, ContentType: resp.ContentType, Found: p.now().UTC()})
	if err != nil {
		return watch.PollResult{}, &fetch.Error{Class: fetch.ClassUnparseable, Msg: "cannot parse the " + src.Kind, Err: err}
	}
	return watch.PollResult{Items: items, ETag: resp.ETag, LastModified: resp.LastModified}, nil
}
