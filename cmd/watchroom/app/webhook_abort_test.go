package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/source"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Pushes whose sender drops the connection while the console records them
// are kept whole with their audit entry, or not at all: never items without
// the entry that says who sent them, nor an entry for items that are not
// there. Half the senders give up as soon as the first of their items can
// be read back, half at once.
func TestWebhookAbortedPushesKeepItemsWithTheirAudit(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	a, srv := startWebhookServer(t, clock)
	base := srv.URL
	ctx := context.Background()
	const pushes, per = 20, 100
	stored := func(p int) int {
		items, err := a.store.ItemsSince(ctx, time.Time{}, pushes*per+10)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if strings.HasPrefix(it.URL, fmt.Sprintf("https://forum.example/p%d/", p)) {
				n++
			}
		}
		return n
	}
	sums := make([]string, pushes)
	for p := range pushes {
		clock.Add(time.Minute) // within the source's rate
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i := range per {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"p%d-%d","url":"https://forum.example/p%d/%d","title":"rave %d","text":"free party %d"}`, p, i, p, i, i, p)
		}
		b.WriteString(`]}`)
		body := b.String()
		sums[p] = source.BodyHash([]byte(body))
		reqCtx, cancel := context.WithCancel(ctx)
		req, err := http.NewRequestWithContext(reqCtx, http.MethodPost, base+"/ingest/scanner", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+hookToken)
		req.Header.Set("Content-Type", "application/json")
		done := make(chan struct{})
		go func() {
			defer close(done)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		if p%2 == 0 {
			watchtest.WaitFor(t, "the push's first item stored or its reply", 20*time.Second, func() bool {
				select {
				case <-done:
					return true
				default:
					return stored(p) > 0
				}
			})
		}
		cancel()
		<-done
	}
	srv.Close() // waits for the handlers of the aborted pushes
	audited := map[string]string{}
	log, err := a.store.AuditLog(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action == "ingest" {
			audited[e.Detail[strings.LastIndex(e.Detail, " ")+1:]] = e.Detail
		}
	}
	kept := 0
	for p := range pushes {
		n, detail := stored(p), audited[sums[p]]
		switch {
		case n == per && detail == fmt.Sprintf("%d items, %d new, %d hits; body sha256 %s", per, per, per, sums[p]):
			kept++
		case n == 0 && detail == "":
		default:
			t.Errorf("push %d: %d of %d items stored, audit entry %q", p, n, per, detail)
		}
	}
	if err := a.store.VerifyAudit(ctx); err != nil {
		t.Error(err)
	}
	t.Logf("%d of %d aborted pushes were kept whole, the others not at all", kept, pushes)
}
