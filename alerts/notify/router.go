package notify

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/alerts"
)

// Team is a neighbourhood team as the router knows it: where its
// notifications go.
type Team struct {
	Name     string
	Emails   []string // sent through the e-mail notifier
	Webhooks []string // names of webhook notifiers
}

// RouterOptions configure a Router. Only the notifiers named here ever
// receive anything.
type RouterOptions struct {
	Logger   *slog.Logger
	BoardURL string // the console's address, for links in notifications
	// Alerts receive every alert change due a notification.
	Alerts []Notifier
	// Email sends a team's e-mails; nil when no e-mail is configured.
	Email Notifier
	// Webhooks by name, and the kinds of notification each takes.
	Webhooks     map[string]Notifier
	WebhookKinds map[string][]string
	Teams        []Team
	// MaxInFlight bounds sends at once (default 8); SendTimeout bounds
	// one send (default 5 minutes).
	MaxInFlight int
	SendTimeout time.Duration
	// Disclosed is told of every send once it is over, delivered or not
	// (for the audit log); nil tells nobody.
	Disclosed func(Disclosure)
}

// Router sends alerts and team notifications to the configured notifiers
// only. Sending runs beside the work that caused it, never inside it: a
// slow mail server must not hold up the alert engine or a briefing. Every
// send is owned by the router: Shutdown waits for them and, once its
// context ends, cancels what is left.
type Router struct {
	o      RouterOptions
	log    *slog.Logger
	teams  map[string]Team
	sem    chan struct{}
	wg     sync.WaitGroup
	ctx    context.Context // the router's lifetime: sends end with it
	cancel context.CancelFunc
}

// NewRouter returns a router over the given notifiers.
func NewRouter(o RouterOptions) *Router {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 8
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 5 * time.Minute
	}
	o.BoardURL = strings.TrimRight(o.BoardURL, "/")
	ctx, cancel := context.WithCancel(context.Background())
	r := &Router{o: o, log: o.Logger.With("component", "notify"), teams: map[string]Team{},
		sem: make(chan struct{}, o.MaxInFlight), ctx: ctx, cancel: cancel}
	for _, t := range o.Teams {
		r.teams[t.Name] = t
	}
	return r
}

// BoardURL is the console's address, without a trailing slash.
func (r *Router) BoardURL() string { return r.o.BoardURL }

// Team returns a team by name.
func (r *Router) Team(name string) (Team, bool) {
	t, ok := r.teams[name]
	return t, ok
}

// send delivers in the background, at most MaxInFlight at once.
func (r *Router) send(what string, to Notifier, msg Notification) {
	if r.ctx.Err() != nil {
		r.log.Error("notification not sent: shutting down", "what", what)
		return
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		select {
		case r.sem <- struct{}{}:
		case <-r.ctx.Done():
			r.log.Error("notification not sent: shutting down", "what", what)
			return
		}
		defer func() { <-r.sem }()
		ctx, cancel := context.WithTimeout(r.ctx, r.o.SendTimeout)
		defer cancel()
		err := to.Notify(ctx, msg)
		r.disclosed(to, msg, err)
		if err != nil {
			r.log.Error("notification not delivered", "what", what, "err", err)
			return
		}
		r.log.Info("notification delivered", "what", what)
	}()
}

// Wait waits for the deliveries under way, or for ctx to end.
func (r *Router) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown lets the deliveries under way finish until ctx ends, then
// cancels the rest and waits for them to give up. Nothing is sent after.
func (r *Router) Shutdown(ctx context.Context) error {
	err := r.Wait(ctx)
	r.cancel()
	r.wg.Wait()
	return err
}

// Alert sends a group's notification (alerts.Notice) to every alert
// notifier: one message for the group, however many alerts it holds.
func (r *Router) Alert(n alerts.Notice, opName string) {
	op := NoticeOperation(n)
	board := r.o.BoardURL + "/board/all"
	if op != "" {
		board = r.o.BoardURL + "/board/" + op
	}
	msg := AlertNotification(n, opName, board)
	msg.Record = alertRecord(n)
	for _, to := range r.o.Alerts {
		r.send("alert group "+groupID(n.Key), to, msg)
	}
}

// NoticeOperation is the operation a group's notification is about: the
// group's operation label, else its first alert's operation.
func NoticeOperation(n alerts.Notice) string {
	if op, ok := n.Labels["operation"]; ok {
		return op
	}
	for _, a := range append(append([]alerts.Alert{}, n.Firing...), n.Resolved...) {
		return a.Operation
	}
	return ""
}

// ToTeam delivers msg to a team, and only through the notifiers the team
// names: by e-mail to its addresses (msg.To is set to them), and to each of
// its webhooks whose kinds include msg.Kind. It reports whether the team
// is known.
func (r *Router) ToTeam(teamName, what string, msg Notification) bool {
	team, ok := r.teams[teamName]
	if !ok {
		return false
	}
	if r.o.Email != nil && len(team.Emails) > 0 {
		msg := msg
		msg.To = team.Emails
		r.send(what+" by e-mail", r.o.Email, msg)
	}
	for _, name := range team.Webhooks {
		if !r.takes(name, msg.Kind) {
			r.log.Warn("team webhook does not take this kind (kinds); not sent", "team", team.Name, "webhook", name, "kind", msg.Kind)
			continue
		}
		if w := r.o.Webhooks[name]; w != nil {
			r.send(what+" to "+name, w, msg)
		}
	}
	return true
}

func (r *Router) takes(webhook, kind string) bool {
	for _, k := range r.o.WebhookKinds[webhook] {
		if k == kind {
			return true
		}
	}
	return false
}
