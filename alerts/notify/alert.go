package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/watchroom/watchroom/alerts"
)

// AlertPayload is the JSON a webhook receives for a group's notification.
// It holds the alerts' bookkeeping and summaries, never the collected
// posts: the evidence is named by hit id and the board link leads to it, so
// what leaves the hub is what a receiver needs to act, and no more. The
// top-level alert fields describe the group's lead alert (the most severe
// firing one; the first resolved one when none fires); Alerts lists every
// alert the notification carries.
type AlertPayload struct {
	Kind          string       `json:"kind"`  // always "alert"
	Event         string       `json:"event"` // firing, changed, repeat, resolved
	Subject       string       `json:"subject"`
	Severity      string       `json:"severity"` // routine, high or critical
	Group         string       `json:"group"`    // stable id of the group
	Firing        int          `json:"firing"`   // alerts firing in the group
	ResolvedCount int          `json:"resolved"` // alerts resolved since the last notification
	GroupSummary  string       `json:"group_summary"`
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
	Alerts        []AlertItem  `json:"alerts"`
}

// AlertItem is one alert of a group's notification.
type AlertItem struct {
	Fingerprint string       `json:"fingerprint"`
	Rule        string       `json:"rule"`
	RuleName    string       `json:"rule_name"`
	RuleKind    alerts.Kind  `json:"rule_kind"`
	Operation   string       `json:"operation"`
	State       alerts.State `json:"state"`
	Severity    string       `json:"severity"`
	Summary     string       `json:"summary"`
	Evidence    []int64      `json:"evidence"`
	Started     time.Time    `json:"started"`
	FiredAt     time.Time    `json:"fired_at,omitzero"`
	AckedBy     string       `json:"acked_by,omitempty"`
	ResolvedAt  time.Time    `json:"resolved_at,omitzero"`
	ResolvedBy  string       `json:"resolved_by,omitempty"`
	Reason      string       `json:"reason,omitempty"`
}

// AlertNotification renders a group's notification for people and
// systems. opName is the operation's display name, boardURL the link to
// the board where the alerts and their evidence are shown (built by the
// caller, who knows the routes). The subject names the severity, the rule
// and the operation only, because subjects show on lock screens and in
// mail previews; the text adds the counted summary, each alert's state and
// evidence ids, and nothing collected from sources.
func AlertNotification(n alerts.Notice, opName string, boardURL string) Notification {
	all := append(append([]alerts.Alert{}, n.Firing...), n.Resolved...)
	var lead alerts.Alert
	if len(all) > 0 {
		lead = all[0]
	}
	event, heading := alertHeading(n.Event)
	sev := n.Severity
	if sev == "" {
		for _, a := range all {
			if rank(a.Severity) > rank(sev) {
				sev = a.Severity
			}
		}
	}
	sev = severityWord(sev)
	rule := OneLine(lead.RuleName)
	if rule == "" {
		rule = lead.RuleID
	}
	for _, a := range all {
		if a.RuleID != lead.RuleID {
			rule = "alerts"
		}
	}
	title := rule
	if len(all) > 1 {
		title = fmt.Sprintf("%s (%d alerts)", rule, len(all))
	}
	opID := n.Labels["operation"]
	if _, grouped := n.Labels["operation"]; !grouped {
		opID = lead.Operation
	}
	op := OneLine(opName)
	switch {
	case op == "" && opID == "":
		op = "no operation"
	case op == "":
		op = opID
	}
	subject := fmt.Sprintf("[watchroom] %s · %s: %s · %s", strings.ToUpper(sev), heading, title, op)

	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", heading, title)
	fmt.Fprintf(&b, "Severity: %s\n", strings.ToUpper(sev))
	if opID != "" && op != opID {
		fmt.Fprintf(&b, "Operation: %s (%s)\n", op, opID)
	} else {
		fmt.Fprintf(&b, "Operation: %s\n", op)
	}
	b.WriteString("\n")
	line := func(label, value string) {
		if value = OneLine(value); value != "" {
			fmt.Fprintf(&b, "%-14s %s\n", label+":", value)
		}
	}
	if len(all) == 1 {
		a := lead
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
			line("Resolved", resolvedLine(a))
		}
		line("Evidence", evidenceLine(a.Evidence))
		line("Alert", a.Fingerprint)
	} else {
		line("Summary", n.Summary)
		counts := plural(len(n.Firing), "firing")
		if len(n.Resolved) > 0 {
			counts += ", " + plural(len(n.Resolved), "resolved")
		}
		line("Alerts", counts)
		for i, a := range all {
			if i == maxListed {
				fmt.Fprintf(&b, "\n… and %d more on the board.\n", len(all)-maxListed)
				break
			}
			fmt.Fprintf(&b, "\n- %s, %s: %s\n", strings.ToUpper(severityWord(a.Severity)), a.State, OneLine(a.Summary))
			if a.State == alerts.StateResolved {
				fmt.Fprintf(&b, "  Resolved %s\n", OneLine(resolvedLine(a)))
			} else if a.AckedBy != "" {
				fmt.Fprintf(&b, "  Acknowledged by %s\n", OneLine(a.AckedBy))
			}
			if ev := evidenceLine(a.Evidence); ev != "" {
				fmt.Fprintf(&b, "  Evidence %s\n", ev)
			}
			fmt.Fprintf(&b, "  Alert %s\n", a.Fingerprint)
		}
	}
	if event == "repeat" {
		b.WriteString("\nStill firing and not yet acknowledged; this is a repeat notification.\n")
	}
	if boardURL != "" {
		fmt.Fprintf(&b, "\nBoard: %s\n", OneLine(boardURL))
	}
	if len(all) == 1 {
		b.WriteString("\nThe posts behind this alert are on the board; this message carries only the summary.\n")
	} else {
		b.WriteString("\nThe posts behind these alerts are on the board; this message carries only the summary.\n")
	}

	items := make([]AlertItem, len(all))
	for i, a := range all {
		items[i] = AlertItem{Fingerprint: a.Fingerprint, Rule: a.RuleID, RuleName: a.RuleName, RuleKind: a.Kind,
			Operation: a.Operation, State: a.State, Severity: severityWord(a.Severity), Summary: a.Summary,
			Evidence: append([]int64{}, a.Evidence...), Started: a.Started, FiredAt: a.FiredAt, AckedBy: a.AckedBy,
			ResolvedAt: a.ResolvedAt, ResolvedBy: a.ResolvedBy, Reason: a.Reason}
	}
	return Notification{
		Kind:    KindAlert,
		Subject: subject,
		Text:    b.String(),
		JSON: AlertPayload{
			Kind: KindAlert, Event: event, Subject: subject, Severity: sev, Group: groupID(n.Key),
			Firing: len(n.Firing), ResolvedCount: len(n.Resolved), GroupSummary: n.Summary,
			Fingerprint: lead.Fingerprint, Rule: lead.RuleID, RuleName: lead.RuleName, RuleKind: lead.Kind,
			Operation: opID, OperationName: opName, State: lead.State, Summary: lead.Summary,
			Evidence: append([]int64{}, lead.Evidence...), Started: lead.Started, FiredAt: lead.FiredAt,
			AckedAt: lead.AckedAt, AckedBy: lead.AckedBy, Assignee: lead.Assignee, ResolvedAt: lead.ResolvedAt,
			ResolvedBy: lead.ResolvedBy, Reason: lead.Reason, Board: boardURL, Alerts: items,
		},
	}
}

// maxListed caps the alerts a notification's text lists one by one (the
// JSON lists them all): a busy night's group stays readable.
const maxListed = 20

// severityWord is a severity as people read it: routine when unset.
func severityWord(s string) string {
	switch s {
	case "critical", "high":
		return s
	}
	return "routine"
}

func rank(s string) int { return alerts.SeverityRank(s) }

// groupID names a group without its label values (an author may be one).
func groupID(key string) string {
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:8])
}

func plural(n int, what string) string { return fmt.Sprintf("%d %s", n, what) }

func resolvedLine(a alerts.Alert) string {
	r := stamp(a.ResolvedAt)
	if a.ResolvedBy != "" {
		r += " by " + a.ResolvedBy
	}
	if a.Reason != "" {
		r += ": " + a.Reason
	}
	return r
}

// alertHeading maps an engine event to the name receivers see and a
// heading for people. "notified" is the engine's word for a repeat.
func alertHeading(event string) (name, heading string) {
	switch event {
	case "firing":
		return "firing", "FIRING"
	case "changed":
		return "changed", "FIRING (changed)"
	case "repeat", "notified":
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
