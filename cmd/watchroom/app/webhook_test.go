package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const hookToken = "s3cret-token-of-the-scanner"

// startWebhookApp serves a console with a webhook source "scanner" (token
// from the environment, 2 pushes a minute, burst 3) over real HTTP.
func startWebhookApp(t *testing.T, clock *watchtest.Clock) (*App, string) {
	t.Helper()
	a, srv := startWebhookServer(t, clock)
	return a, srv.URL
}

// startWebhookServer is startWebhookApp with the test server itself, whose
// Close waits for the requests under way.
func startWebhookServer(t *testing.T, clock *watchtest.Clock) (*App, *httptest.Server) {
	t.Helper()
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), "http://127.0.0.1:1/feed")
	text = strings.Replace(text, "watchlists:\n", `  - id: scanner
    name: Scanner tool
    kind: webhook
    options: {token_env: TEST_SCANNER_TOKEN, rate: "2", burst: "3"}
watchlists:
`, 1)
	cfg, err := config.Parse("hook.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TEST_SCANNER_TOKEN": hookToken}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Now: clock.Now, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Stop(context.Background()) })
	return a, srv
}

type pushReply struct {
	code int
	body map[string]any
	hdr  http.Header
}

func push(t *testing.T, url, token, contentType, body string) pushReply {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := pushReply{code: resp.StatusCode, hdr: resp.Header}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &r.body); err != nil {
		t.Fatalf("reply %d is not JSON: %q", resp.StatusCode, raw)
	}
	return r
}

// A tool pushes items over HTTP with its token; they are matched and
// recorded like polled ones (hits on the board, health ok, audited), and
// every fault gets a clear 4xx without touching the store.
func TestWebhookPushOverHTTP(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	a, base := startWebhookApp(t, clock)
	url := base + "/ingest/scanner"
	ctx := context.Background()
	good := `{"items":[{"id":"s-1","url":"https://forum.example/t/1","author":"@dj","title":"Free party tonight","text":"bring a sound system"},
		{"id":"s-2","text":"nothing to see"}]}`

	r := push(t, url, hookToken, "application/json; charset=utf-8", good)
	if r.code != http.StatusOK || r.body["items"] != 2.0 || r.body["new"] != 2.0 || r.body["hits"] != 1.0 {
		t.Fatalf("push: %d %v", r.code, r.body)
	}
	snap, err := a.store.BoardSnapshot(ctx, "op1", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Hits) != 1 || snap.Hits[0].Item.Title != "Free party tonight" || snap.Hits[0].Item.SourceID != "scanner" ||
		snap.Hits[0].Item.Author != "@dj" || len(snap.Hits[0].Item.BodySHA256) != 64 || !snap.Hits[0].Item.Found.Equal(clock.Now()) {
		t.Fatalf("board op1: %+v", snap.Hits)
	}
	h, err := a.store.SourceHealth(ctx, "scanner")
	if err != nil || h.State != "ok" || !h.LastSuccess.Equal(clock.Now()) {
		t.Errorf("health %+v %v", h, err)
	}
	log, err := a.store.AuditLog(ctx, 5)
	if err != nil || len(log) == 0 || log[0].Action != "ingest" || log[0].Actor != "webhook:scanner" ||
		!strings.HasPrefix(log[0].Detail, "2 items, 2 new, 1 hits; body sha256 ") {
		t.Errorf("audit %+v %v", log, err)
	}
	for _, e := range log {
		if strings.Contains(e.Detail+e.Target, hookToken) {
			t.Errorf("the token is in the audit log: %+v", e)
		}
	}
	// counted as a push, not as a poll
	if r, err := http.Get(base + "/metrics"); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if !strings.Contains(string(b), `watchroom_pushes_total{outcome="ok",source="scanner"} 1`) || strings.Contains(string(b), `watchroom_polls_total{outcome="ok",source="scanner"}`) {
			t.Errorf("metrics do not tell the push from a poll:\n%s", b)
		}
	}

	// the same items again: nothing new
	if r := push(t, url, hookToken, "application/json", good); r.code != http.StatusOK || r.body["new"] != 0.0 {
		t.Fatalf("repeat push: %d %v", r.code, r.body)
	}

	refused := []struct {
		name, url, token, ctype, body string
		code                          int
		says                          string
	}{
		{"unknown source", base + "/ingest/nope", hookToken, "application/json", good, 404, `There is no webhook source "nope"`},
		{"a polled source", base + "/ingest/local", hookToken, "application/json", good, 404, "There is no webhook source"},
		{"no token", url, "", "application/json", good, 401, "Missing or wrong token"},
		{"wrong token", url, hookToken + "x", "application/json", good, 401, "Missing or wrong token"},
		{"form post", url, hookToken, "application/x-www-form-urlencoded", "items=1", 415, "application/json"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			r := push(t, c.url, c.token, c.ctype, c.body)
			if msg, _ := r.body["error"].(string); r.code != c.code || !strings.Contains(msg, c.says) {
				t.Errorf("%d %v, want %d saying %q", r.code, r.body, c.code, c.says)
			}
		})
	}
	if r := push(t, url, "", "application/json", good); r.hdr.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	// the two pushes and the form post used up the burst of 3; the clock
	// stands still
	r = push(t, url, hookToken, "application/json", good)
	if r.code != http.StatusTooManyRequests || r.hdr.Get("Retry-After") != "30" {
		t.Errorf("over the rate: %d %v Retry-After %q", r.code, r.body, r.hdr.Get("Retry-After"))
	}
	clock.Add(30 * time.Second) // one push a 30 s comes back
	if r := push(t, url, hookToken, "application/json", `{"items":[{"text":"x"}],"extra":1}`); r.code != 400 ||
		!strings.Contains(r.body["error"].(string), `unknown field "extra"`) {
		t.Errorf("bad JSON: %d %v", r.code, r.body)
	}
	clock.Add(30 * time.Second)
	big := `{"items":[{"text":"` + strings.Repeat("a", 70<<10) + `"}]}`
	if r := push(t, url, hookToken, "application/json", big); r.code != http.StatusRequestEntityTooLarge ||
		!strings.Contains(r.body["error"].(string), "over 65536 bytes") {
		t.Errorf("big body: %d %v", r.code, r.body)
	}

	// a paused source refuses pushes
	clock.Add(time.Minute)
	if _, err := a.store.SetSourcePaused(ctx, "scanner", true, "ann"); err != nil {
		t.Fatal(err)
	}
	if r := push(t, url, hookToken, "application/json", good); r.code != http.StatusConflict {
		t.Errorf("paused: %d %v", r.code, r.body)
	}
	// poll now on a pushed source is refused and does not mark it failing
	if err := a.pollNow(ctx, "scanner"); err == nil {
		t.Error("poll now on a webhook source")
	}
	if h, _ := a.store.SourceHealth(ctx, "scanner"); h.State != "ok" {
		t.Errorf("state after poll now: %s", h.State)
	}
	var n int
	for _, e := range mustAudit(t, a) {
		if e.Action == "ingest" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d pushes audited, want the 2 accepted", n)
	}
}

func mustAudit(t *testing.T, a *App) []watch.AuditEntry {
	t.Helper()
	log, err := a.store.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// Without its token in the environment, a webhook source stops the start.
func TestWebhookNeedsItsToken(t *testing.T) {
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), "http://127.0.0.1:1/feed")
	text = strings.Replace(text, "watchlists:\n", "  - {id: scanner, kind: webhook, options: {token_env: TEST_SCANNER_TOKEN}}\nwatchlists:\n", 1)
	cfg, err := config.Parse("hook.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Getenv: func(string) string { return "short" }})
	if err == nil || !strings.Contains(err.Error(), "TEST_SCANNER_TOKEN must hold its token, at least 16 characters") {
		t.Fatalf("err = %v", err)
	}
}
