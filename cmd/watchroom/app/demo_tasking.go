package app

import (
	"context"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

// ensureDemoRequests gives the demo's tasking pages something to show: a
// quarter of past requests for the demand figures, and demo-requester's
// own requests in every state, made through the same path as a person's
// (so each has its history and timeline events). Once only.
func ensureDemoRequests(ctx context.Context, st *store.Store, cfg tasking.Config, now time.Time) error {
	if rs, err := st.Requests(ctx, store.RequestQuery{Limit: 1}); err != nil || len(rs) > 0 {
		return err
	}
	req, err := st.UserByName(ctx, "demo-requester")
	if err != nil {
		return err
	}
	if err := st.ImportRequests(ctx, DemoHistory(cfg, now, 90, 12*7*24*time.Hour)); err != nil {
		return err
	}
	base := tasking.Request{RequesterID: req.ID, Requester: req.Name, Team: cfg.Teams[0], Contact: "PC 4021 Demo, ext 5501",
		Urgency: tasking.UrgencyPriority, NeededBy: now.AddDate(0, 0, 7), Why: "Planning the policing of the weekend."}
	type plan struct {
		typ, asked string
		steps      []tasking.Decision
	}
	due := now.AddDate(0, 0, 3)
	accept := tasking.Decision{Action: tasking.ActAccept, By: "demo-supervisor", Priority: "P2", Assignee: "demo-analyst", Due: due}
	plans := []plan{
		{"pre_event", "What is being said online about the free party rumoured on the common", nil},
		{"realtime", "Live monitoring for the control room during the estate operation", []tasking.Decision{
			{Action: tasking.ActAskInfo, By: "demo-supervisor", Text: "Which control room, and from what time?"}}},
		{"pre_event", "Pre-event picture for the Canal Street warehouse rumour", []tasking.Decision{accept,
			{Action: tasking.ActLink, By: "demo-analyst", Link: tasking.Link{Kind: "operation", Ref: "summer-rave"}}}},
		{"guidance", "Guidance for the neighbourhood team on reading drill lyrics", []tasking.Decision{
			{Action: tasking.ActDecline, By: "demo-supervisor", Reason: "better_placed_elsewhere", Text: "The force's gangs unit runs this training; we have passed your request on."}}},
		{"pre_event", "Free party on the common: what is planned (second request)", []tasking.Decision{
			{Action: tasking.ActMerge, By: "demo-supervisor", Into: -1}}},
		{"evidence", "Evidence package of public posts for the burglary case", []tasking.Decision{accept,
			{Action: tasking.ActLink, By: "demo-analyst", Link: tasking.Link{Kind: "case", Ref: "CR/2026/1142"}},
			{Action: tasking.ActClose, By: "demo-analyst", Outcome: tasking.Outcome{Intelligence: 2, Delivered: 1,
				Grading: tasking.Grading{Source: "2", Intelligence: "B", Handling: "P"}, Note: "Two posts put the suspect at the scene; the case officer has the exhibits."}}}},
	}
	var first int64
	for i, p := range plans {
		r := base
		r.Type, r.Asked = p.typ, p.asked
		if p.typ == "evidence" {
			r.LawfulBasis, r.CaseRef = "Detection of crime: burglary series, open investigation", "CR/2026/1142"
		}
		if r, err = st.SaveRequestForm(ctx, r, true, ""); err != nil {
			return fmt.Errorf("demo request %d: %w", i, err)
		}
		if first == 0 {
			first = r.ID
		}
		for _, d := range p.steps {
			if d.Into == -1 {
				d.Into = first
			}
			if _, err := st.DecideRequest(ctx, r.ID, d, nil); err != nil {
				return fmt.Errorf("demo request %d, %s: %w", i, d.Action, err)
			}
		}
	}
	draft := base
	draft.Type, draft.Asked = "other", "Half-written: a question about the council's CCTV feeds"
	_, err = st.SaveRequestForm(ctx, draft, false, "")
	return err
}

// DemoHistory makes n past requests, spread evenly over span before now, in
// the states a hub's quarter leaves them: mostly completed, some declined,
// merged, reopened or still open. Deterministic, so figures repeat.
func DemoHistory(cfg tasking.Config, now time.Time, n int, span time.Duration) []tasking.Request {
	out := make([]tasking.Request, 0, n)
	reasons := tasking.DeclineReasons
	for i := 0; i < n; i++ {
		typ := cfg.Types[i%len(cfg.Types)]
		team := cfg.Teams[(i*7)%len(cfg.Teams)]
		urg := tasking.Urgencies[(i*5)%len(tasking.Urgencies)]
		sub := now.Add(-span * time.Duration(n-i) / time.Duration(n)).Add(-time.Duration(i%9) * time.Hour)
		r := tasking.Request{Type: typ.ID, Team: team, Urgency: urg, Requester: "archive", Contact: "archive",
			Asked: fmt.Sprintf("Archived request %d (%s)", i+1, typ.Name), Why: "Archive", State: tasking.StateDraft, Created: sub}
		step := func(d tasking.Decision, at time.Time) {
			if d.By == "" {
				d.By = "archive"
			}
			_ = r.Apply(d, at) // a demonstration data set: every step is allowed by construction
		}
		triage := sub.Add(time.Duration(1+i%11) * time.Hour)
		step(tasking.Decision{Action: tasking.ActSubmit}, sub)
		switch k := i % 10; {
		case k == 3:
			step(tasking.Decision{Action: tasking.ActDecline, Reason: reasons[i%len(reasons)], Text: "Declined"}, triage)
		case k == 7 && i > 0:
			step(tasking.Decision{Action: tasking.ActMerge, Into: 1}, triage)
		default:
			step(tasking.Decision{Action: tasking.ActAccept, Priority: tasking.Priorities[i%4], Assignee: "archive", Due: triage.Add(72 * time.Hour)}, triage)
			kinds := tasking.LinkKinds
			step(tasking.Decision{Action: tasking.ActLink, Link: tasking.Link{Kind: kinds[i%len(kinds)], Ref: fmt.Sprint(100 + i)}}, triage.Add(time.Hour))
			done := triage.Add(time.Duration(6+(i*13)%90) * time.Hour)
			if done.After(now) || k == 9 {
				break // still in work
			}
			intel := i % 4
			g := tasking.Grading{}
			if intel > 0 {
				g = tasking.Grading{Source: tasking.SourceGrades[i%3], Intelligence: tasking.IntelligenceGrades[i%5], Handling: "P"}
			}
			step(tasking.Decision{Action: tasking.ActClose, Outcome: tasking.Outcome{Intelligence: intel, Grading: g, Delivered: 1 + i%2,
				Note: "Archived outcome: the commissioning team used the product to plan its deployment."}}, done)
			if k == 5 && done.Add(24*time.Hour).Before(now) {
				step(tasking.Decision{Action: tasking.ActReopen, Text: "More came in"}, done.Add(24*time.Hour))
				if d2 := done.Add(48 * time.Hour); d2.Before(now) {
					step(tasking.Decision{Action: tasking.ActClose, Outcome: tasking.Outcome{Intelligence: intel, Grading: g, Delivered: 2,
						Note: "Reopened for new posts, then closed again."}}, d2)
				}
			}
		}
		out = append(out, r)
	}
	return out
}
