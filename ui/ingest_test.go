package ui

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Pushes with a wrong token are refused, and however many come, the log
// gets one line about them a minute, with how many were refused: anyone
// who can reach the endpoint cannot fill the disk with warnings. The
// token sent is never written.
func TestIngestRefusalsDoNotFloodTheLog(t *testing.T) {
	logs := &watchtest.SyncBuffer{}
	e := newEnvWith(t, func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
		o.Webhooks = []WebhookSource{{Source: watch.Source{ID: "hook", Kind: "webhook"}, Token: strings.Repeat("s", 32), Rate: rate.Inf, Burst: 1}}
		o.Record = func(context.Context, watch.Source, []watch.Item, func(watch.PollReport) watch.AuditEntry) (watch.PollReport, error) {
			return watch.PollReport{}, nil
		}
	})
	for range 50 {
		req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/ingest/hook", strings.NewReader(`{"items":[]}`))
		req.Header.Set("Authorization", "Bearer guess-"+strings.Repeat("x", 20))
		req.Header.Set("Content-Type", "application/json")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong token: HTTP %d", r.StatusCode)
		}
	}
	out := logs.String()
	if n := strings.Count(out, "webhook push refused"); n != 1 {
		t.Fatalf("%d refusal lines for 50 refusals:\n%s", n, out)
	}
	if strings.Contains(out, "guess-") {
		t.Fatalf("the token sent is in the log:\n%s", out)
	}
}
