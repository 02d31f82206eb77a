package webhook

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The exact JSON a receiver gets for an alert, and its headers: the
// contract with every control-room integration.
func TestWebhookBodyGolden(t *testing.T) {
	var body []byte
	var hdr http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ = io.ReadAll(r.Body)
		hdr = r.Header.Clone()
	}))
	defer srv.Close()
	fired := time.Date(2026, 8, 29, 21, 5, 0, 0, time.UTC)
	a := alerts.Alert{Fingerprint: "3f9c2a71d0b4e8aa", RuleID: "ume-hit", RuleName: "UME hit", Kind: alerts.KindSeverity,
		Operation: "carnival", State: alerts.StateFiring, Severity: "high", Summary: "3 high-severity hits, 2 authors in the last 1h",
		Evidence: []int64{101, 102, 107}, Started: fired, FiredAt: fired}
	w := &waits{}
	if err := testWebhook(t, srv.URL, w, nil).Notify(context.Background(),
		notify.AlertNotification(alerts.Notice{Key: "operation=carnival,rule=ume-hit", Labels: map[string]string{"operation": "carnival", "rule": "ume-hit"},
			Event: "firing", Severity: "high", Summary: a.Summary, Firing: []alerts.Alert{a}}, "Notting Hill Carnival", "https://watchroom.force.example/board/carnival")); err != nil {
		t.Fatal(err)
	}
	watchtest.Golden(t, "alert_webhook.json", append(body, '\n'))
	if hdr.Get("Content-Type") != "application/json" || hdr.Get(HeaderKind) != "alert" || hdr.Get(HeaderSignature) == "" || hdr.Get(HeaderTimestamp) == "" {
		t.Fatalf("headers %v", hdr)
	}
	if err := VerifySignature(webhookSecret, hdr.Get(HeaderTimestamp), hdr.Get(HeaderSignature), body, webhookNow, time.Minute); err != nil {
		t.Fatal(err)
	}
}
