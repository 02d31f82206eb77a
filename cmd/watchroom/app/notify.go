package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// notifiers sends alerts and briefings to the configured notifiers only.
// Sending runs beside the work that caused it, never inside it: a slow
// mail server must not hold up the alert engine or a briefing.
type notifiers struct {
	log      *slog.Logger
	boardURL string
	alertTo  []alerts.Notifier
	smtp     *alerts.SMTPNotifier
	webhooks map[string]*alerts.WebhookNotifier
	briefTo  map[string]bool // webhooks whose kinds include briefings
	teams    map[string]config.Team
	sem      chan struct{}
	wg       sync.WaitGroup
}

func newNotifiers(f *config.File, getenv func(string) string, logger *slog.Logger) (*notifiers, error) {
	n := &notifiers{log: logger.With("component", "notify"), boardURL: strings.TrimRight(f.Notifiers.BoardURL, "/"),
		webhooks: map[string]*alerts.WebhookNotifier{}, briefTo: map[string]bool{}, teams: map[string]config.Team{}, sem: make(chan struct{}, 8)}
	if n.boardURL == "" {
		n.boardURL = "http://" + f.Server.Listen
	}
	for _, w := range f.Notifiers.Webhooks {
		secret := getenv(w.SecretEnv)
		if secret == "" {
			return nil, fmt.Errorf("webhook %s: the environment variable %s (its signing secret) is not set", w.Name, w.SecretEnv)
		}
		wn, err := alerts.NewWebhookNotifier(alerts.WebhookOptions{Name: w.Name, URL: w.URL, Secret: []byte(secret),
			Timeout: w.Timeout, MaxAttempts: w.MaxAttempts, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("webhook %s: %w", w.Name, err)
		}
		n.webhooks[w.Name] = wn
		for _, k := range w.Kinds {
			if k == alerts.KindAlertNotification {
				n.alertTo = append(n.alertTo, wn)
			}
			if k == alerts.KindBriefingNotification {
				n.briefTo[w.Name] = true
			}
		}
	}
	if s := f.Notifiers.SMTP; s != nil {
		tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
		if s.CAFile != "" {
			pem, err := os.ReadFile(s.CAFile)
			if err != nil {
				return nil, fmt.Errorf("smtp ca_file: %w", err)
			}
			pool, err := x509.SystemCertPool()
			if err != nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("smtp ca_file %s: no PEM certificate in it", s.CAFile)
			}
			tlsConf.RootCAs = pool
		}
		password := ""
		if s.PasswordEnv != "" {
			if password = getenv(s.PasswordEnv); password == "" {
				return nil, fmt.Errorf("smtp: the environment variable %s (its password) is not set", s.PasswordEnv)
			}
		}
		sn, err := alerts.NewSMTPNotifier(alerts.SMTPOptions{Addr: s.Addr, Username: s.Username, Password: password,
			Auth: s.Auth, From: s.From, To: s.To, TLSConfig: tlsConf, InsecurePlaintext: s.InsecurePlaintext, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		n.smtp = sn
		if len(s.To) > 0 {
			n.alertTo = append(n.alertTo, sn)
		}
	}
	for _, t := range f.Teams {
		n.teams[t.Name] = t
	}
	return n, nil
}

// send delivers in the background, at most a few at once.
func (n *notifiers) send(what string, to alerts.Notifier, msg alerts.Notification) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.sem <- struct{}{}
		defer func() { <-n.sem }()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := to.Notify(ctx, msg); err != nil {
			n.log.Error("notification not delivered", "what", what, "err", err)
			return
		}
		n.log.Info("notification delivered", "what", what)
	}()
}

// wait waits for deliveries under way (at shutdown, and in tests).
func (n *notifiers) wait() { n.wg.Wait() }

// alert sends an alert change that is due a notification.
func (n *notifiers) alert(c alerts.Change, opName string) {
	board := n.boardURL + "/board/all"
	if c.Alert.Operation != "" {
		board = n.boardURL + "/board/" + c.Alert.Operation
	}
	msg := alerts.AlertNotification(c, opName, board)
	for _, to := range n.alertTo {
		n.send("alert "+c.Alert.Fingerprint, to, msg)
	}
}

// briefing delivers a briefing version to the operation's team, and only
// to the notifiers the team names: the e-mail carries the offline document
// as an attachment, with its SHA-256 in the text; a webhook carries it in
// the signed JSON (base64, with its SHA-256), so the receiver needs no way
// back into the console and the signature covers the document too. A link
// to the version in the console comes with both.
func (n *notifiers) briefing(op watch.Operation, b store.Briefing, doc []byte) {
	team, ok := n.teams[op.Team]
	if !ok {
		return
	}
	link := fmt.Sprintf("%s/briefings/%d", n.boardURL, b.ID)
	name := fmt.Sprintf("briefing-%s-v%d.html", op.ID, b.Version)
	msg := alerts.Notification{
		Kind:    alerts.KindBriefingNotification,
		Subject: fmt.Sprintf("Briefing: %s (version %d)", op.Name, b.Version),
		Text: fmt.Sprintf("A pre-event briefing for %s is ready.\n\nOperation: %s\nStarts: %s\nVersion: %d, made by %s\n\n"+
			"The briefing is attached as %s (%d bytes): open it in a browser; it needs no network.\n"+
			"SHA-256 of the attached document: %s\nCheck it before relying on the file: sha256sum %s\n\nIn the console: %s\n",
			op.Name, op.Name, op.Start.UTC().Format(time.RFC1123), b.Version, b.Generator, name, len(doc), b.SHA256, name, link),
		JSON: map[string]any{"kind": "briefing", "operation": op.ID, "operation_name": op.Name, "version": b.Version,
			"generator": b.Generator, "sha256": b.SHA256, "link": link, "team": team.Name,
			"document": map[string]any{"filename": name, "content_type": "text/html; charset=utf-8", "size": len(doc),
				"sha256": b.SHA256, "base64": base64.StdEncoding.EncodeToString(doc)}},
		To:          team.Emails,
		Attachments: []alerts.Attachment{{Name: name, ContentType: "text/html; charset=utf-8", Data: doc}},
	}
	if n.smtp != nil && len(team.Emails) > 0 {
		n.send(fmt.Sprintf("briefing %d by e-mail", b.ID), n.smtp, msg)
	}
	for _, wname := range team.Webhooks {
		if !n.briefTo[wname] {
			n.log.Warn("team webhook does not take briefings (kinds); not sent", "team", team.Name, "webhook", wname)
			continue
		}
		if w := n.webhooks[wname]; w != nil {
			n.send(fmt.Sprintf("briefing %d to %s", b.ID, wname), w, msg)
		}
	}
}
