package email

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/alerts/notify/smtptest"
)

// An attachment arrives byte for byte, under a name that cannot break out
// of its header, beside the text.
func TestSMTPNotifierAttachment(t *testing.T) {
	addr, box, roots, _ := smtptest.Start(t, smtptest.Options{})
	doc := bytes.Repeat([]byte("<p>briefing ünïcode \x00\xff</p>\n"), 5000)
	n := notify.Notification{Kind: "briefing", Subject: "Briefing", Text: "See the file.\nSHA-256: abc",
		Attachments: []notify.Attachment{{Name: "brief\"ing.html\r\nBcc: evil@example.org", ContentType: "text/html; charset=utf-8; x=\"y\"", Data: doc}}}
	if err := testSMTP(t, addr, roots, nil).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	got, _, _ := box.Snapshot()
	if len(got) != 1 || len(got[0].To) != 2 {
		t.Fatalf("delivered %+v", got)
	}
	m, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Get("Bcc") != "" {
		t.Fatal("a file name forged a header")
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("content type %q %v", mt, err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	text, err := mr.NextPart() // decodes quoted-printable
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(text); strings.ReplaceAll(string(b), "\r\n", "\n") != n.Text {
		t.Fatalf("text %q", b)
	}
	file, err := mr.NextRawPart()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(file)
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 76 {
			t.Fatalf("a base64 line of %d characters", len(line))
		}
	}
	data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(raw), "\r\n", ""))
	if err != nil || !bytes.Equal(data, doc) {
		t.Fatalf("the file changed on the way (%v)", err)
	}
	ct, cp, _ := mime.ParseMediaType(file.Header.Get("Content-Type"))
	_, dp, _ := mime.ParseMediaType(file.Header.Get("Content-Disposition"))
	if ct != "text/html" || cp["charset"] != "utf-8" || cp["x"] != "" || dp["filename"] != "brief\"ing.html Bcc: evil@example.org" {
		t.Fatalf("part headers %q %v %v", ct, cp, dp)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Fatalf("more parts: %v", err)
	}
}
