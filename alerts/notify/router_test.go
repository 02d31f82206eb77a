package notify

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/watchroom/watchroom/alerts"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is a notifier that keeps what it was given; block makes it wait
// for its context to end.
type recorder struct {
	mu    sync.Mutex
	got   []Notification
	block bool
	err   error
	began chan struct{}
}

func (r *recorder) Notify(ctx context.Context, n Notification) error {
	r.mu.Lock()
	r.got = append(r.got, n)
	r.mu.Unlock()
	if r.began != nil {
		r.began <- struct{}{}
	}
	if r.block {
		<-ctx.Done()
		r.mu.Lock()
		r.err = ctx.Err()
		r.mu.Unlock()
		return ctx.Err()
	}
	return nil
}

func (r *recorder) kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range r.got {
		out = append(out, n.Kind+":"+n.Subject)
	}
	return out
}

// A team gets a notification only through what it names, and a webhook
// only the kinds it takes; alerts go to the alert notifiers only.
func TestRouterSendsOnlyWhereConfigured(t *testing.T) {
	mail, hookA, hookB, duty := &recorder{}, &recorder{}, &recorder{}, &recorder{}
	r := NewRouter(RouterOptions{BoardURL: "https://hub.example/", Alerts: []Notifier{duty}, Email: mail,
		Webhooks:     map[string]Notifier{"a": hookA, "b": hookB},
		WebhookKinds: map[string][]string{"a": {KindBriefing}, "b": {KindAlert}},
		Teams:        []Team{{Name: "North", Emails: []string{"north@force.example"}, Webhooks: []string{"a", "b"}}}})
	if !r.ToTeam("North", "briefing 1", Notification{Kind: KindBriefing, Subject: "B"}) {
		t.Fatal("known team refused")
	}
	if r.ToTeam("South", "briefing 2", Notification{Kind: KindBriefing, Subject: "S"}) {
		t.Fatal("unknown team accepted")
	}
	r.Alert(alerts.Notice{Key: "operation=op,rule=r", Labels: map[string]string{"operation": "op", "rule": "r"}, Event: "firing",
		Firing: []alerts.Alert{{Fingerprint: "fp", RuleID: "r", Operation: "op"}}}, "Carnival")
	if err := r.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := mail.kinds(); len(got) != 1 || got[0] != "briefing:B" || mail.got[0].To[0] != "north@force.example" {
		t.Errorf("e-mail got %v", mail.got)
	}
	if got := hookA.kinds(); len(got) != 1 || got[0] != "briefing:B" {
		t.Errorf("webhook a got %v", got)
	}
	if got := hookB.kinds(); len(got) != 0 {
		t.Errorf("webhook b (alerts only) got %v", got)
	}
	if got := duty.kinds(); len(got) != 1 || got[0] != "alert:[watchroom] ROUTINE · FIRING: r · Carnival" {
		t.Errorf("duty got %v", got)
	}
	if p := duty.got[0].JSON.(AlertPayload); p.Board != "https://hub.example/board/op" {
		t.Errorf("board link %q", p.Board)
	}
	// nothing is sent after shutdown
	r.ToTeam("North", "late", Notification{Kind: KindBriefing, Subject: "late"})
	if len(mail.kinds()) != 1 {
		t.Error("sent after shutdown")
	}
}

// Shutdown waits for a send under way only as long as its context allows,
// then cancels it and waits for it to give up: no goroutine outlives it.
func TestRouterShutdownRespectsContext(t *testing.T) {
	slow := &recorder{block: true, began: make(chan struct{}, 1)}
	r := NewRouter(RouterOptions{Alerts: []Notifier{slow}})
	r.Alert(alerts.Notice{Event: "firing", Firing: []alerts.Alert{{Fingerprint: "fp"}}}, "")
	<-slow.began
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown = %v, want the deadline", err)
	}
	slow.mu.Lock()
	defer slow.mu.Unlock()
	if !errors.Is(slow.err, context.Canceled) {
		t.Fatalf("the send was not cancelled: %v", slow.err)
	}
}
