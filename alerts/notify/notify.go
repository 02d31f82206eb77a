// Package notify sends what the hub tells the outside world (alert changes,
// briefings) through one Notifier interface; its sub-packages are the
// notifiers (webhook, email) and Router decides who gets what.
package notify

import (
	"context"
	"errors"
	"strings"
	"unicode"

	"github.com/watchroom/watchroom/watch"
)

// Notification is one message for the outside world: an alert change or a
// briefing. Each notifier takes what it needs: e-mail the subject and text,
// a webhook the JSON.
type Notification struct {
	Kind    string   // "alert" or "briefing"
	Subject string   // one line
	Text    string   // plain text body
	JSON    any      // payload for webhooks; nil sends Kind, Subject and Text
	To      []string // e-mail recipients; empty: the notifier's defaults
	// Attachments go with an e-mail as files (a briefing's document). A
	// webhook carries what it needs of them in JSON.
	Attachments []Attachment
	// Record names what is sent by id, for the audit log: never content.
	Record string
}

// Attachment is a file sent with a notification.
type Attachment struct {
	Name        string // file name, e.g. briefing-carnival-v2.html
	ContentType string // e.g. text/html; charset=utf-8
	Data        []byte
}

// Notifier delivers notifications.
type Notifier interface {
	Notify(ctx context.Context, n Notification) error
}

// Errors callers branch on.
var (
	// ErrRejected: the receiver refused the notification in a way
	// that sending it again will not change (a 4xx, a 5xx SMTP reply).
	ErrRejected = errors.New("the receiver rejected the notification")
	// ErrGaveUp: every attempt failed, or the receiver asked for a
	// longer wait than the notifier allows.
	ErrGaveUp = errors.New("gave up delivering the notification")
)

// HeaderKind names a notification's kind: a header of a webhook request
// and of an e-mail.
const HeaderKind = "X-Watchroom-Kind"

// Notification kinds.
const (
	KindAlert    = "alert"
	KindBriefing = "briefing"
)

// OneLine folds control characters and runs of space into single spaces, so
// a name or summary cannot break a header or forge a line of the text, and
// makes direction and invisible characters visible (watch.Reveal), so a
// name written right to left cannot pass for another in a mail.
func OneLine(s string) string {
	return watch.Reveal(strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " "))
}
