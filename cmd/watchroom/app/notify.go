package app

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/alerts/notify/email"
	"github.com/watchroom/watchroom/alerts/notify/webhook"
	"github.com/watchroom/watchroom/config"
)

// newRouter builds the configured notifiers and the router that sends
// alerts and briefings to them, and to nothing else.
func newRouter(f *config.File, getenv func(string) string, logger *slog.Logger, disclosed func(notify.Disclosure)) (*notify.Router, error) {
	o := notify.RouterOptions{Logger: logger, BoardURL: f.Notifiers.BoardURL, Disclosed: disclosed,
		Webhooks: map[string]notify.Notifier{}, WebhookKinds: map[string][]string{}}
	if o.BoardURL == "" {
		o.BoardURL = "http://" + f.Server.Listen
	}
	for _, w := range f.Notifiers.Webhooks {
		secret := getenv(w.SecretEnv)
		if secret == "" {
			return nil, fmt.Errorf("webhook %s: the environment variable %s (its signing secret) is not set", w.Name, w.SecretEnv)
		}
		wn, err := webhook.New(webhook.Options{Name: w.Name, URL: w.URL, Secret: []byte(secret),
			Timeout: w.Timeout, MaxAttempts: w.MaxAttempts, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("webhook %s: %w", w.Name, err)
		}
		o.Webhooks[w.Name] = wn
		o.WebhookKinds[w.Name] = w.Kinds
		for _, k := range w.Kinds {
			if k == notify.KindAlert {
				o.Alerts = append(o.Alerts, wn)
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
		sn, err := email.New(email.Options{Addr: s.Addr, Username: s.Username, Password: password,
			Auth: s.Auth, From: s.From, To: s.To, TLSConfig: tlsConf, InsecurePlaintext: s.InsecurePlaintext, Logger: logger})
		if err != nil {
			return nil, fmt.Errorf("smtp: %w", err)
		}
		o.Email = sn
		if len(s.To) > 0 {
			o.Alerts = append(o.Alerts, sn)
		}
	}
	for _, t := range f.Teams {
		o.Teams = append(o.Teams, notify.Team{Name: t.Name, Emails: t.Emails, Webhooks: t.Webhooks})
	}
	return notify.NewRouter(o), nil
}
