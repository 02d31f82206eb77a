package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts/notify/smtptest"
	"github.com/watchroom/watchroom/alerts/notify/webhook"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// mailParts is a delivered message: subject, text and attached files.
type mailParts struct {
	Subject string
	Text    string
	Files   map[string][]byte
}

func readMailParts(t *testing.T, data []byte) mailParts {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out := mailParts{Subject: m.Header.Get("Subject"), Files: map[string][]byte{}}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if mt != "multipart/mixed" {
		b, _ := io.ReadAll(quotedprintable.NewReader(m.Body))
		out.Text = string(b)
		return out
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(p)
		switch p.Header.Get("Content-Transfer-Encoding") {
		case "quoted-printable":
			b, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
			out.Text += string(b)
		case "base64":
			b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
			if err != nil {
				t.Fatal(err)
			}
			_, dp, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			out.Files[dp["filename"]] = b
		}
	}
	return out
}

// hookServer records what a webhook receives.
type hookServer struct {
	mu     sync.Mutex
	bodies [][]byte
	sigs   []string
	tss    []string
	srv    *httptest.Server
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, b)
		h.sigs = append(h.sigs, r.Header.Get(webhook.HeaderSignature))
		h.tss = append(h.tss, r.Header.Get(webhook.HeaderTimestamp))
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookServer) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.bodies) }

const deliveryConfig = e2eConfig + `notifiers:
  board_url: https://watchroom.test
  webhooks:
    - {name: team-hook, url: %q, secret_env: HOOK_SECRET, kinds: [briefing]}
    - {name: alert-only, url: %q, secret_env: HOOK_SECRET, kinds: [alert]}
    - {name: other-team, url: %q, secret_env: HOOK_SECRET, kinds: [briefing]}
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
    webhooks: [team-hook, alert-only]
  - name: South SNT
    emails: [south-snt@force.example]
    webhooks: [other-team]
`

// A scheduled briefing delivers the document itself: by e-mail as an
// attachment whose SHA-256 matches the stored version and is in the text,
// and to the team's briefing webhook in the signed JSON; to the team's
// notifiers only (not another team's, not an alert-only webhook).
func TestBriefingDocumentDeliveredToTheTeamOnly(t *testing.T) {
	addr, box, _, caPEM := smtptest.Start(t, smtptest.Options{})
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	team, alertOnly, other := newHookServer(t), newHookServer(t), newHookServer(t)
	feed := newFeedServer(t)
	text := fmt.Sprintf(deliveryConfig, tempDataDir(t), feed.url, team.srv.URL, alertOnly.srv.URL, other.srv.URL, addr, ca)
	text = strings.Replace(text, "    watchlists: [ume]\n", "    watchlists: [ume]\n    team: North SNT\n    briefing_lead: 30h\n", 1)
	clock := watchtest.NewClock(time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)) // op1 starts 2026-11-28T18:00Z: T−31h
	env := map[string]string{"TEST_SMTP_PASSWORD": "correct horse", "HOOK_SECRET": "s3cret"}
	a, _, _ := newTestApp(t, text, clock, func(k string) string { return env[k] })
	ctx := context.Background()
	a.briefings.Scheduled(ctx)
	a.notify.Wait(context.Background())
	if got, _, _ := box.Snapshot(); len(got) != 0 || team.count() != 0 {
		t.Fatal("delivered before its lead time (30h)")
	}
	clock.Add(time.Hour + time.Second)
	a.briefings.Scheduled(ctx)
	a.notify.Wait(context.Background())
	vs, _ := a.store.Briefings(ctx, "op1")
	if len(vs) != 1 {
		t.Fatalf("versions %+v", vs)
	}
	stored, err := os.ReadFile(filepath.Join(a.blobDir, vs[0].SHA256+".html"))
	if err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

	got, _, _ := box.Snapshot()
	if len(got) != 1 {
		t.Fatalf("%d messages, want 1 (the team's)", len(got))
	}
	if !slices.Equal(got[0].To, []string{"north-snt@force.example", "north-inspector@force.example"}) || !got[0].TLS {
		t.Fatalf("envelope %+v", got[0])
	}
	m := readMailParts(t, got[0].Data)
	doc, ok := m.Files["briefing-op1-v1.html"]
	if !ok || sum(doc) != vs[0].SHA256 || !bytes.Equal(doc, stored) {
		t.Fatalf("attachment: present %v, sha256 %s, want %s", ok, sum(doc), vs[0].SHA256)
	}
	mustContain(t, "briefing mail", m.Text, "SHA-256 of the attached document: "+vs[0].SHA256, "briefing-op1-v1.html")

	// the team's briefing webhook: the document in the signed JSON
	if team.count() != 1 || alertOnly.count() != 0 || other.count() != 0 {
		t.Fatalf("webhooks: team %d, alert-only %d, other team %d", team.count(), alertOnly.count(), other.count())
	}
	if err := webhook.VerifySignature([]byte("s3cret"), team.tss[0], team.sigs[0], team.bodies[0], time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Team     string `json:"team"`
		SHA256   string `json:"sha256"`
		Document struct {
			Filename, SHA256, Base64 string
		} `json:"document"`
	}
	if err := json.Unmarshal(team.bodies[0], &payload); err != nil {
		t.Fatal(err)
	}
	hooked, err := base64.StdEncoding.DecodeString(payload.Document.Base64)
	if err != nil || sum(hooked) != vs[0].SHA256 || payload.Document.SHA256 != vs[0].SHA256 ||
		payload.Document.Filename != "briefing-op1-v1.html" || payload.Team != "North SNT" {
		t.Fatalf("webhook document: %v, sha256 %s, payload %+v", err, sum(hooked), payload.Document.Filename)
	}
}
