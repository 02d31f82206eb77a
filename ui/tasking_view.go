package ui

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

// requestRow is a request in a list.
type requestRow struct {
	ID                      int64  `json:"id"`
	Ref                     string `json:"ref"`
	Title                   string `json:"title"`
	State                   string `json:"state"`
	StateLabel              string `json:"state_label"`
	Type                    string `json:"type"`
	Team                    string `json:"team"`
	Urgency                 string `json:"urgency"`
	Requester               string `json:"requester"`
	Submitted               string `json:"submitted"`
	NeededBy                string `json:"needed_by"`
	Priority, Assignee, Due string `json:"-"`
	Overdue                 string `json:"overdue"`
}

func (s *Server) reqWhen(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t, s.opts.Location)
}

func (s *Server) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.opts.Location).Format("Mon 2 Jan 2006")
}

func (s *Server) rowOf(r tasking.Request, now time.Time) requestRow {
	row := requestRow{ID: r.ID, Ref: r.Ref(), Title: r.Title(), State: string(r.State), StateLabel: r.State.Label(),
		Type: s.opts.Tasking.TypeName(r.Type), Team: r.Team, Urgency: string(r.Urgency), Requester: r.Requester,
		Submitted: s.reqWhen(r.Submitted), NeededBy: s.day(r.NeededBy), Priority: r.Priority, Assignee: r.Assignee, Due: s.day(r.Due)}
	if od := tasking.FindOverdue([]tasking.Row{tasking.RowOf(r, 0)}, *s.opts.Tasking, now); len(od) > 0 {
		row.Overdue = "past its " + od[0].What + " service level since " + s.reqWhen(od[0].Due)
	}
	return row
}

// myRequests lists the signed-in person's own requests, drafts too.
func (s *Server) myRequests(c echo.Context) error {
	u, _ := userFrom(c)
	head, err := s.liveHead(c)
	if err != nil {
		return err
	}
	rs, err := s.store.Requests(c.Request().Context(), store.RequestQuery{RequesterID: u.ID})
	if err != nil {
		return err
	}
	p := taskingPage{LiveBoard: watch.RequesterBoard(u.ID), Head: head}
	now := s.opts.Now()
	for _, r := range rs {
		p.Requests = append(p.Requests, s.rowOf(r, now))
	}
	return s.renderTasking(c, http.StatusOK, "tasking_list.html", "My requests", p)
}

type historyRow struct {
	At     string `json:"at"`
	Action string `json:"action"`
	Label  string `json:"label"`
	By     string `json:"by"`
	Note   string `json:"note"`
	Public bool   `json:"public"`
}

type productRow struct {
	tasking.Product
	When string `json:"when"`
}

// requestView is one request as its page shows it to this viewer.
type requestView struct {
	R          tasking.Request
	Row        requestRow
	TypeName   string
	EventDate  string
	Operation  string
	History    []historyRow
	Products   []productRow
	MergedInto string
	Outcome    string
	CanEdit    bool
	Allowed    map[string]bool // decisions open now
	Completed  string
}

func (s *Server) requestView(c echo.Context, r tasking.Request, u watch.User) (*requestView, error) {
	ctx := c.Request().Context()
	hub := u.Role.AtLeast(watch.RoleAnalyst)
	hist, err := s.store.RequestHistory(ctx, r.ID, !hub)
	if err != nil {
		return nil, err
	}
	prods, err := s.store.Products(ctx, r.ID, !hub)
	if err != nil {
		return nil, err
	}
	v := &requestView{R: r, Row: s.rowOf(r, s.opts.Now()), TypeName: s.opts.Tasking.TypeName(r.Type), EventDate: s.day(r.EventDate),
		CanEdit: r.RequesterID == u.ID && (r.State == tasking.StateDraft || r.State == tasking.StateInfo), Allowed: map[string]bool{},
		Completed: s.reqWhen(r.Completed)}
	if op, ok := s.reg.Get(r.Operation); ok && r.Operation != "" {
		v.Operation = op.Name
	}
	if r.MergedInto != 0 {
		v.MergedInto = tasking.Ref(r.MergedInto)
	}
	for _, h := range hist {
		v.History = append(v.History, historyRow{At: s.reqWhen(h.At), Action: string(h.Action), Label: h.Action.Label(), By: h.By, Note: h.Note, Public: h.Public})
	}
	for _, p := range prods {
		v.Products = append(v.Products, productRow{Product: p, When: s.reqWhen(p.At)})
	}
	for _, a := range []tasking.Action{tasking.ActAccept, tasking.ActDecline, tasking.ActAskInfo, tasking.ActMerge, tasking.ActAssign,
		tasking.ActLink, tasking.ActProduct, tasking.ActClose, tasking.ActReopen} {
		v.Allowed[string(a)] = tasking.Allowed(r.State, a)
	}
	return v, nil
}

func (s *Server) requestPage(c echo.Context) error {
	head, err := s.liveHead(c)
	if err != nil {
		return err
	}
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	v, err := s.requestView(c, r, u)
	if err != nil {
		return err
	}
	board := watch.RequesterBoard(r.RequesterID)
	if r.RequesterID != u.ID {
		board = watch.BoardTasking
	}
	return s.renderTasking(c, http.StatusOK, "tasking_request.html", "Request "+r.Ref(), taskingPage{Request: v, LiveBoard: board, Head: head,
		Notice: c.QueryParam("done"), TriageError: c.QueryParam("problem")})
}

// requestJSON is the request as its page refreshes it live: state,
// history and products, each as this viewer may see them.
func (s *Server) requestJSON(c echo.Context) error {
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	v, err := s.requestView(c, r, u)
	if err != nil {
		return err
	}
	out := map[string]any{"id": r.ID, "ref": r.Ref(), "state": r.State, "state_label": r.State.Label(), "history": v.History,
		"products": v.Products, "can_edit": v.CanEdit, "info_asked": "", "decline": ""}
	if r.State == tasking.StateInfo {
		out["info_asked"] = r.InfoAsked
	}
	if r.State == tasking.StateDeclined {
		out["decline"] = r.DeclineText
	}
	return c.JSON(http.StatusOK, out)
}
