package app

import (
	"context"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/source"
)

// capturer is manual capture (ui.Capturer) over the app's one fetch
// client and pipeline.
type capturer struct {
	client *fetch.Client
	pipe   *watch.Pipeline
	now    func() time.Time
}

func (c capturer) Fetch(ctx context.Context, rawURL string) ([]watch.Item, error) {
	return source.Capture(ctx, c.client, source.KindManual, rawURL, c.now())
}

func (c capturer) Capture(ctx context.Context, it watch.Item) (bool, []watch.HitView, error) {
	return c.pipe.Capture(ctx, it)
}
