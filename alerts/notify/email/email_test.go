package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/alerts/notify/smtptest"
)

var mailNow = time.Date(2026, 8, 29, 13, 5, 0, 0, time.FixedZone("BST", 3600))

func testSMTP(t *testing.T, addr string, roots *x509.CertPool, edit func(*Options)) *Notifier {
	t.Helper()
	opts := Options{Addr: addr, Username: "hub", Password: "correct horse",
		From: "Watchroom <watchroom@hub.example>", To: []string{"Duty Inspector <duty@force.example>", "ops@force.example"},
		TLSConfig: &tls.Config{RootCAs: roots}, Timeout: time.Minute, Now: func() time.Time { return mailNow }}
	if edit != nil {
		edit(&opts)
	}
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// a body that exercises quoted-printable: a leading dot, a long line,
// trailing spaces, non-ASCII
const mailText = "FIRING: Red list hit\n.a line that starts with a dot\n" +
	"a long line: " + "0123456789 abcdefghij " + "0123456789 abcdefghij " + "0123456789 abcdefghij " + "0123456789 abcdefghij " + "end\n" +
	"trailing spaces   \nGrüße aus dem Lagezentrum — 10 € fine\n"

func TestSMTPNotifierDelivers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		server   smtptest.Options
		edit     func(*Options)
		n        notify.Notification
		wantTo   []string
		wantMech string
	}{
		{name: "PLAIN to the default recipients",
			n:      notify.Notification{Kind: "alert", Subject: "[watchroom] FIRING: Red list hit · Carnival", Text: mailText},
			wantTo: []string{"duty@force.example", "ops@force.example"}, wantMech: sasl.Plain},
		{name: "LOGIN when asked for",
			edit:   func(o *Options) { o.Auth = "login" },
			n:      notify.Notification{Kind: "briefing", Subject: "Briefing: Carnival (T-24h)", Text: mailText},
			wantTo: []string{"duty@force.example", "ops@force.example"}, wantMech: sasl.Login},
		{name: "LOGIN when it is all the server offers", server: smtptest.Options{Mechs: []string{sasl.Login}},
			n:      notify.Notification{Kind: "alert", Subject: "plain ASCII subject", Text: mailText},
			wantTo: []string{"duty@force.example", "ops@force.example"}, wantMech: sasl.Login},
		{name: "the notification's own recipients, once each",
			n: notify.Notification{Kind: "briefing", Subject: "Einsatzbesprechung: Umzug — Lagebild", Text: mailText,
				To: []string{"north-team@force.example", "North Team <NORTH-team@force.example>", "Ünal Öz <unal@force.example>"}},
			wantTo: []string{"north-team@force.example", "unal@force.example"}, wantMech: sasl.Plain},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, box, roots, _ := smtptest.Start(t, tc.server)
			if err := testSMTP(t, addr, roots, tc.edit).Notify(context.Background(), tc.n); err != nil {
				t.Fatal(err)
			}
			got, _, _ := box.Snapshot()
			if len(got) != 1 {
				t.Fatalf("%d messages delivered", len(got))
			}
			d := got[0]
			if d.From != "watchroom@hub.example" || !slices.Equal(d.To, tc.wantTo) || !d.TLS || d.User != "hub" || d.Mech != tc.wantMech {
				t.Errorf("envelope from %q to %v, tls %v, user %q, mech %q", d.From, d.To, d.TLS, d.User, d.Mech)
			}
			checkMessage(t, d.Data, tc.n, tc.wantTo)
		})
	}
}

// checkMessage reads a delivered message as a mail client would.
func checkMessage(t *testing.T, data []byte, n notify.Notification, wantTo []string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("unreadable message: %v\n%s", err, data)
	}
	h := msg.Header
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subject != n.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, n.Subject)
	}
	ascii := strings.IndexFunc(n.Subject, func(r rune) bool { return r > 127 }) < 0
	if encoded := strings.Contains(h.Get("Subject"), "=?utf-8?q?"); encoded == ascii {
		t.Errorf("raw subject %q: RFC 2047 encoded %v, subject ASCII %v", h.Get("Subject"), encoded, ascii)
	}
	if from, err := mail.ParseAddress(h.Get("From")); err != nil || from.Address != "watchroom@hub.example" || from.Name != "Watchroom" {
		t.Errorf("From %q: %v", h.Get("From"), err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != len(wantTo) {
		t.Fatalf("To %q: %v", h.Get("To"), err)
	}
	for i, a := range to {
		if a.Address != wantTo[i] {
			t.Errorf("To[%d] = %q, want %q", i, a.Address, wantTo[i])
		}
	}
	if date, err := h.Date(); err != nil || !date.Equal(mailNow) {
		t.Errorf("Date %q: %v", h.Get("Date"), err)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@hub.example>") {
		t.Errorf("Message-ID %q", id)
	}
	for k, v := range map[string]string{"MIME-Version": "1.0", "Content-Type": "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable", "Auto-Submitted": "auto-generated", notify.HeaderKind: n.Kind} {
		if h.Get(k) != v {
			t.Errorf("%s: %q, want %q", k, h.Get(k), v)
		}
	}
	raw, _ := io.ReadAll(msg.Body)
	for _, line := range strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n") {
		if len(line) > 76 {
			t.Errorf("body line of %d characters: %q", len(line), line)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != n.Text {
		t.Errorf("body\n%q\nwant\n%q", got, n.Text)
	}
}

func TestSMTPNotifierRefuses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		server    smtptest.Options
		edit      func(*Options)
		to        []string
		wantErr   error
		errHas    string
		wantAuths int
		wantMails int
	}{
		{name: "wrong password", edit: func(o *Options) { o.Password = "battery staple" },
			wantErr: ErrSMTPAuth, errHas: `SMTP authentication failed: PLAIN as "hub": 535`, wantAuths: 1},
		{name: "unknown user over LOGIN", edit: func(o *Options) { o.Username, o.Auth = "someone", "LOGIN" },
			wantErr: ErrSMTPAuth, errHas: "535", wantAuths: 1},
		{name: "a server without STARTTLS, even one that would take a password in plain text",
			server:  smtptest.Options{NoTLS: true, PlaintextAuth: true},
			wantErr: ErrNoSTARTTLS, errHas: "does not offer STARTTLS"},
		{name: "a certificate nobody vouches for", edit: func(o *Options) { o.TLSConfig = nil },
			errHas: "certificate"},
		{name: "a certificate for another name", edit: func(o *Options) { o.TLSConfig.ServerName = "mail.elsewhere.example" },
			errHas: "certificate"},
		{name: "no mechanism in common", server: smtptest.Options{Mechs: []string{"XOAUTH2"}},
			wantErr: ErrSMTPAuth, errHas: `offers "XOAUTH2" for AUTH, not PLAIN or LOGIN`},
		{name: "a recipient the server refuses", to: []string{"ok@force.example", "nobody@force.example"},
			wantErr: notify.ErrRejected, errHas: "RCPT TO <nobody@force.example>: ", wantAuths: 1, wantMails: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr, box, roots, _ := smtptest.Start(t, tc.server)
			err := testSMTP(t, addr, roots, tc.edit).Notify(context.Background(), notify.Notification{Kind: "alert", Subject: "s", Text: "t", To: tc.to})
			if err == nil || (tc.wantErr != nil && !errors.Is(err, tc.wantErr)) || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("got %v, want %v containing %q", err, tc.wantErr, tc.errHas)
			}
			if strings.Contains(err.Error(), "correct horse") || strings.Contains(err.Error(), "battery staple") {
				t.Errorf("the error shows the password: %v", err)
			}
			got, auths, mails := box.Snapshot()
			if len(got) != 0 || auths != tc.wantAuths || mails != tc.wantMails {
				t.Errorf("%d delivered, %d AUTH, %d MAIL; want 0, %d, %d", len(got), auths, mails, tc.wantAuths, tc.wantMails)
			}
		})
	}
}

// Plain text is for a relay on loopback, and only when asked for.
func TestSMTPNotifierInsecurePlaintextOnLoopback(t *testing.T) {
	addr, box, _, _ := smtptest.Start(t, smtptest.Options{NoTLS: true, PlaintextAuth: true})
	n := testSMTP(t, addr, nil, func(o *Options) { o.InsecurePlaintext = true })
	if err := n.Notify(context.Background(), notify.Notification{Kind: "alert", Subject: "s", Text: "t"}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := box.Snapshot()
	if len(got) != 1 || got[0].TLS || got[0].User != "hub" {
		t.Fatalf("delivered %+v", got)
	}
}

// A server that accepts and then says nothing: the caller's cancellation
// and the notifier's timeout both end the wait.
func TestSMTPNotifierStopsWaiting(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	defer func() {
		l.Close()
		<-done
		close(accepted)
		for c := range accepted {
			c.Close()
		}
	}()

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		errc := make(chan error, 1)
		go func() {
			errc <- testSMTP(t, l.Addr().String(), nil, nil).Notify(ctx, notify.Notification{Kind: "alert", Subject: "s", Text: "t"})
		}()
		c := <-accepted
		defer c.Close()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("timed out", func(t *testing.T) {
		n := testSMTP(t, l.Addr().String(), nil, func(o *Options) { o.Timeout = 50 * time.Millisecond })
		err := n.Notify(context.Background(), notify.Notification{Kind: "alert", Subject: "s", Text: "t"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestNewSMTPNotifierChecks(t *testing.T) {
	good := Options{Addr: "mail.force.example:587", Username: "hub", Password: "pw",
		From: "watchroom@hub.example", To: []string{"duty@force.example"}}
	for _, tc := range []struct {
		name string
		edit func(*Options)
		ok   bool
	}{
		{"fine", func(*Options) {}, true},
		{"no recipients by default is fine", func(o *Options) { o.To = nil }, true},
		{"plain text on loopback", func(o *Options) { o.Addr, o.InsecurePlaintext = "127.0.0.1:2525", true }, true},
		{"plain text on localhost", func(o *Options) { o.Addr, o.InsecurePlaintext = "localhost:2525", true }, true},
		{"plain text elsewhere", func(o *Options) { o.InsecurePlaintext = true }, false},
		{"no port", func(o *Options) { o.Addr = "mail.force.example" }, false},
		{"bad sender", func(o *Options) { o.From = "watchroom" }, false},
		{"bad recipient", func(o *Options) { o.To = []string{"duty at force"} }, false},
		{"unknown mechanism", func(o *Options) { o.Auth = "CRAM-MD5" }, false},
		{"username without password", func(o *Options) { o.Password = "" }, false},
		{"negative timeout", func(o *Options) { o.Timeout = -time.Second }, false},
	} {
		o := good
		tc.edit(&o)
		if _, err := New(o); tc.ok != (err == nil) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	n, err := New(Options{Addr: "127.0.0.1:1", From: "watchroom@hub.example"})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Notify(context.Background(), notify.Notification{Subject: "s"}); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("no recipients: %v", err)
	}
	if err := n.Notify(context.Background(), notify.Notification{Subject: "s", To: []string{"not an address"}}); err == nil {
		t.Error("a bad recipient was accepted")
	}
}

func TestFoldHeader(t *testing.T) {
	long := "To: " + strings.Repeat("Someone Long <someone.long@force.example>, ", 6) + "last@force.example"
	folded := foldHeader(long)
	for _, l := range strings.Split(folded, "\r\n") {
		if len(l) > 78 {
			t.Errorf("line of %d: %q", len(l), l)
		}
	}
	if strings.ReplaceAll(folded, "\r\n", "") != long {
		t.Errorf("unfolding does not give back the line: %q", folded)
	}
	word := "=?utf-8?q?" + strings.Repeat("x", 70) + "?="
	for _, tc := range []struct{ in, want string }{
		{"Subject: short", "Subject: short"},
		// a first word too long for the line stays beside the name
		{"Subject: " + word + " =?utf-8?q?y?=", "Subject: " + word + "\r\n =?utf-8?q?y?="},
	} {
		if got := foldHeader(tc.in); got != tc.want {
			t.Errorf("%q folded to %q, want %q", tc.in, got, tc.want)
		}
	}
}
