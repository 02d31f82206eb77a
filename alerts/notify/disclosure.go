package notify

import (
	"strings"

	"github.com/watchroom/watchroom/alerts"
)

// Disclosure is one notification that left the console, or failed to:
// what was sent (by id, never the content), how and to whom. The router
// reports each once its send is over.
type Disclosure struct {
	Kind string   // KindAlert or KindBriefing
	What string   // the record sent, by id: "briefing:12", "alert_group:ab12 alerts=fp1,fp2"
	Via  string   // "email" or "webhook:<name>"
	To   []string // the recipients: e-mail addresses, or the webhook's URL
	Err  error    // nil: delivered
}

// Recipient is a notifier that can say where a notification goes.
// Notifiers that are not are reported with Via "notifier".
type Recipient interface {
	Recipients(n Notification) (via string, to []string)
}

func (r *Router) disclosed(to Notifier, msg Notification, err error) {
	if r.o.Disclosed == nil {
		return
	}
	d := Disclosure{Kind: msg.Kind, What: msg.Record, Via: "notifier", Err: err}
	if rc, ok := to.(Recipient); ok {
		d.Via, d.To = rc.Recipients(msg)
	}
	r.o.Disclosed(d)
}

// alertRecord names a group's notification by the group and its alerts'
// fingerprints.
func alertRecord(n alerts.Notice) string {
	var b strings.Builder
	b.WriteString("alert_group:" + groupID(n.Key) + " event=" + n.Event + " alerts=")
	for i, a := range append(append([]alerts.Alert{}, n.Firing...), n.Resolved...) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.Fingerprint)
	}
	return b.String()
}
