package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts/notify/smtptest"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const notifyConfig = e2eConfig + `notifiers:
  board_url: https://watchroom.test
  smtp:
    addr: %q
    username: hub
    password_env: TEST_SMTP_PASSWORD
    from: "Watchroom <watchroom@hub.example>"
    to: [duty@force.example]
    ca_file: %q
teams:
  - name: North SNT
    emails: [north-snt@force.example, north-inspector@force.example]
`

// A scheduled briefing is made at its time and reaches the team's
// addresses through a real SMTP server; a firing alert reaches the duty
// address. Nothing else is sent.
func TestBriefingAndAlertDeliveredByEmail(t *testing.T) {
	addr, box, _, caPEM := smtptest.Start(t, smtptest.Options{})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "g1", Title: "Rave at the warehouse", Link: "https://example.org/1"})
	text := fmt.Sprintf(notifyConfig, tempDataDir(t), feed.url, addr, ca)
	text = strings.Replace(text, "    watchlists: [ume]\n", "    watchlists: [ume]\n    team: North SNT\n", 1)
	cfg, err := config.Parse("notify.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	clock := watchtest.NewClock(cfg.Operations[0].Start.Add(-23 * time.Hour))
	env := map[string]string{"TEST_SMTP_PASSWORD": "correct horse"}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Now: clock.Now, Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	ctx := context.Background()
	a.startAlerts()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	// the alert (a high-severity hit) is evaluated off the write path
	watchtest.WaitFor(t, "the alert", 10*time.Second, func() bool { return len(a.alerts.Open()) == 1 })
	// its group waits for more alerts (group_wait, 30s), then one mail
	clock.Add(30 * time.Second)
	if err := a.alerts.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	a.briefings.Scheduled(ctx)
	a.notify.Wait(context.Background())
	got, _, _ := box.Snapshot()
	if len(got) != 2 {
		t.Fatalf("%d messages delivered, want 2 (the alert and the briefing)", len(got))
	}
	var alertMail, briefingMail string
	for _, d := range got {
		if !d.TLS || d.User != "hub" || d.From != "watchroom@hub.example" {
			t.Errorf("envelope %+v", d)
		}
		switch {
		case slices.Equal(d.To, []string{"duty@force.example"}):
			alertMail = readMail(t, d.Data)
		case slices.Equal(d.To, []string{"north-snt@force.example", "north-inspector@force.example"}):
			m := readMailParts(t, d.Data)
			briefingMail = m.Subject + "\n" + m.Text
			if len(m.Files) != 1 {
				t.Errorf("briefing mail has %d files, want the document", len(m.Files))
			}
		default:
			t.Errorf("unexpected recipients %v", d.To)
		}
	}
	vs, _ := a.store.Briefings(ctx, "op1")
	if len(vs) != 1 {
		t.Fatalf("versions %+v", vs)
	}
	for _, want := range []string{"Briefing: Summer rave (version 1)", vs[0].SHA256, fmt.Sprintf("https://watchroom.test/briefings/%d", vs[0].ID)} {
		if !strings.Contains(briefingMail, want) {
			t.Errorf("briefing mail lacks %q:\n%s", want, briefingMail)
		}
	}
	if !strings.Contains(alertMail, "UME hit") || !strings.Contains(alertMail, "https://watchroom.test/board/op1") {
		t.Errorf("alert mail:\n%s", alertMail)
	}
	// an alert's content stays in the console (the briefing's document,
	// made for the team, carries its key hits)
	if strings.Contains(alertMail, "Rave at the warehouse") {
		t.Error("collected content was sent out with the alert")
	}
	// each send is in the audit log: what (by id), how, to whom
	assertDisclosed(t, a, "disclose", fmt.Sprintf("briefing:%d", vs[0].ID), "kind=briefing via=email to=north-snt@force.example,north-inspector@force.example operation=op1 version=1")
	assertDisclosed(t, a, "disclose", "alert_group:", "kind=alert via=email to=duty@force.example", "event=firing alerts=")
}

func TestNotifierSecretsMustBeSet(t *testing.T) {
	text := fmt.Sprintf(notifyConfig, tempDataDir(t), "http://127.0.0.1:1/feed.xml", "127.0.0.1:2525", "")
	cfg, err := config.Parse("notify.yaml", []byte(text), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	_, err = New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
		Options{Getenv: func(string) string { return "" }})
	if err == nil || !strings.Contains(err.Error(), "TEST_SMTP_PASSWORD") {
		t.Fatalf("err %v", err)
	}
}

// readMail returns a message's subject and decoded body.
func readMail(t *testing.T, data []byte) string {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(m.Body))
	if err != nil {
		t.Fatal(err)
	}
	return m.Header.Get("Subject") + "\n" + string(body)
}
