package email

import (
	"net/mail"
	"regexp"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The message as it goes on the wire, with an attachment: headers, the
// quoted-printable text and the base64 file. Only the Message-ID and the
// MIME boundary (random by design) are replaced before comparing.
func TestMessageGolden(t *testing.T) {
	n := testSMTP(t, "127.0.0.1:1", nil, nil)
	to, err := parseAddresses([]string{"North SNT <north-snt@force.example>", "north-inspector@force.example"})
	if err != nil {
		t.Fatal(err)
	}
	msg := string(n.message(notify.Notification{Kind: notify.KindBriefing, Subject: "Briefing: Notting Hill Carnival (version 2) — Lagebild",
		Text:        "A pre-event briefing is ready.\n.Leading dot, and a line long enough to need a soft break in quoted-printable: " + strings.Repeat("ab", 40) + "\nSHA-256: 9b71d2\n",
		Attachments: []notify.Attachment{{Name: "briefing-carnival-v2.html", ContentType: "text/html; charset=utf-8", Data: []byte("<!doctype html><title>Briefing</title>\n")}}}, to))
	if _, err := mail.ReadMessage(strings.NewReader(msg)); err != nil {
		t.Fatal(err)
	}
	boundary := regexp.MustCompile(`boundary=([0-9a-f]+)`).FindStringSubmatch(msg)
	if boundary == nil {
		t.Fatalf("no boundary in\n%s", msg)
	}
	msg = strings.ReplaceAll(msg, boundary[1], "BOUNDARY")
	msg = regexp.MustCompile(`Message-ID: <[^@]+@`).ReplaceAllString(msg, "Message-ID: <ID@")
	watchtest.Golden(t, "briefing_message.eml", []byte(msg))
}
