package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/watchroom/watchroom/alerts"
)

// AlertPayload is the JSON a webhook receives for an alert change. It holds
// the alert's bookkeeping and its summary, never the collected posts: the
// evidence is named by hit id and the board link leads to it, so what leaves
// the hub is what a receiver needs to act, and no more.
type AlertPayload struct {
	Kind          string       `json:"kind"`  // always "alert"
	Event         string       `json:"event"` // firing, repeat, resolved, ...
	Subject       string       `json:"subject"`
	Fingerprint   string       `json:"fingerprint"`
	Rule          string       `json:"rule"`
	RuleName      string       `json:"rule_name"`
	RuleKind      alerts.Kind  `json:"rule_kind"`
	Operation     string       `json:"operation"`
	OperationName string       `json:"operation_name"`
	State         alerts.State `json:"state"`
	Summary       string       `json:"summary"`
	Evidence      []int64      `json:"evidence"`
	Started       time.Time    `json:"started"`
	FiredAt       time.Time    `json:"fired_at,omitzero"`
	AckedAt       time.Time    `json:"acked_at,omitzero"`
	AckedBy       string       `json:"acked_by,omitempty"`
	Assignee      string       `json:"assignee,omitempty"`
	ResolvedAt    time.Time    `json:"resolved_at,omitzero"`
	ResolvedBy    string       `json:"resolved_by,omitempty"`
	Reason        string       `json:"reason,omitempty"`
	Board         string       `json:"board,omitempty"`
}

// AlertNotification renders an alert change for people and systems.
// opName is the operation's display name, boardURL the link to the board
// where the alert and its evidence are shown (built by the caller, who
// knows the routes). The subject names only the rule and the operation,
// because subjects show on lock screens and in mail previews; the text adds
// the summary, state and evidence ids, and nothing collected from sources.
func AlertNotification(ch alerts.Change, opName string, boardURL string) Notification {
	a := ch.Alert
	event, heading := alertHeading(ch.Event)
	rule := OneLine(a.RuleName)
	if rule == "" {
		rule = a.RuleID
	}
	op := OneLine(opName)
	switch {
	case op == "" && a.Operation == "":
		op = "no operation"
	case op == "":
		op = a.Operation
	}
	subject := fmt.Sprintf("[watchroom] %s: %s · %s", heading, rule, op)

	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", heading, rule)
	if a.Operation != "" && op != a.Operation {
		fmt.Fprintf(&b, "Operation: %s (%s)\n", op, a.Operation)
	} else {
		fmt.Fprintf(&b, "Operation: %s\n", op)
	}
	b.WriteString("\n")
	line := func(label, value string) {
		if value = OneLine(value); value != "" {
			fmt.Fprintf(&b, "%-14s %s\n", label+":", value)
		}
	}
	line("Summary", a.Summary)
	line("Rule", fmt.Sprintf("%s (%s, %s)", rule, a.RuleID, a.Kind))
	line("State", string(a.State))
	line("Started", stamp(a.Started))
	line("Fired", stamp(a.FiredAt))
	if !a.AckedAt.IsZero() {
		line("Acknowledged", stamp(a.AckedAt)+" by "+a.AckedBy)
	}
	line("Assigned to", a.Assignee)
	if !a.ResolvedAt.IsZero() {
		r := stamp(a.ResolvedAt)
		if a.ResolvedBy != "" {
			r += " by " + a.ResolvedBy
		}
		if a.Reason != "" {
			r += ": " + a.Reason
		}
		line("Resolved", r)
	}
	line("Evidence", evidenceLine(a.Evidence))
	line("Alert", a.Fingerprint)
	if event == "repeat" {
		b.WriteString("\nStill firing and not yet acknowledged; this is a repeat notification.\n")
	}
	if boardURL != "" {
		fmt.Fprintf(&b, "\nBoard: %s\n", OneLine(boardURL))
	}
	b.WriteString("\nThe posts behind this alert are on the board; this message carries only the summary.\n")

	ev := append([]int64{}, a.Evidence...)
	return Notification{
		Kind:    KindAlert,
		Subject: subject,
		Text:    b.String(),
		JSON: AlertPayload{
			Kind: KindAlert, Event: event, Subject: subject, Fingerprint: a.Fingerprint,
			Rule: a.RuleID, RuleName: a.RuleName, RuleKind: a.Kind, Operation: a.Operation,
			OperationName: opName, State: a.State, Summary: a.Summary, Evidence: ev,
			Started: a.Started, FiredAt: a.FiredAt, AckedAt: a.AckedAt, AckedBy: a.AckedBy,
			Assignee: a.Assignee, ResolvedAt: a.ResolvedAt, ResolvedBy: a.ResolvedBy, Reason: a.Reason,
			Board: boardURL,
		},
	}
}

// alertHeading maps an engine event to the name receivers see and a
// heading for people. "notified" is the engine's word for a repeat.
func alertHeading(event string) (name, heading string) {
	switch event {
	case "firing":
		return "firing", "FIRING"
	case "notified":
		return "repeat", "STILL FIRING (repeat)"
	case "resolved":
		return "resolved", "RESOLVED"
	case "":
		return "", "ALERT"
	}
	return event, strings.ToUpper(event)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

func evidenceLine(ids []int64) string {
	if len(ids) == 0 {
		return ""
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("#%d", id)
	}
	noun := "hits"
	if len(ids) == 1 {
		noun = "hit"
	}
	return fmt.Sprintf("%d %s: %s", len(ids), noun, strings.Join(parts, ", "))
}
