package app

import (
	"fmt"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

// minTokenLen keeps guessable tokens out: 16 characters at the least.
const minTokenLen = 16

// webhookSources are the sources tools push to, each with its token read
// from the environment variable its options name.
func webhookSources(srcs []watch.Source, getenv func(string) string) ([]ui.WebhookSource, error) {
	var out []ui.WebhookSource
	for _, s := range srcs {
		if !source.Pushed(s.Kind) {
			continue
		}
		set := source.Webhook(s.Options)
		token := getenv(set.TokenEnv)
		if len(token) < minTokenLen {
			return nil, fmt.Errorf("webhook source %s: environment variable %s must hold its token, at least %d characters (it has %d)",
				s.ID, set.TokenEnv, minTokenLen, len(token))
		}
		out = append(out, ui.WebhookSource{Source: s, Token: token, Rate: rate.Limit(float64(set.Rate) / 60), Burst: set.Burst})
	}
	return out, nil
}
