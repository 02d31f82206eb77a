package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

const formDate = "2006-01-02"

// requestForm is the request form as typed, so nothing is lost when it
// comes back with problems.
type requestForm struct {
	ID                                           int64
	Type, Team, Contact, Operation               string
	EventName, EventPlace, EventDate             string
	Urgency, NeededBy, Asked, Why, CaseRef       string
	LawfulBasis, AuthorityRef, NoAuthorityReason string
	NamesPeople                                  bool
	Answer                                       string // answering the hub's question
	InfoAsked                                    string
	State                                        tasking.State
}

func (s *Server) requestFormOf(r tasking.Request) requestForm {
	d := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(s.opts.Location).Format(formDate)
	}
	return requestForm{ID: r.ID, Type: r.Type, Team: r.Team, Contact: r.Contact, Operation: r.Operation, EventName: r.EventName,
		EventPlace: r.EventPlace, EventDate: d(r.EventDate), Urgency: string(r.Urgency), NeededBy: d(r.NeededBy), Asked: r.Asked,
		Why: r.Why, CaseRef: r.CaseRef, LawfulBasis: r.LawfulBasis, AuthorityRef: r.AuthorityRef,
		NoAuthorityReason: r.NoAuthorityReason, NamesPeople: r.NamesPeople, InfoAsked: r.InfoAsked, State: r.State}
}

// readForm reads the posted form; problems with dates are reported with
// the rest.
func (s *Server) readForm(c echo.Context) (requestForm, tasking.Request, tasking.Problems) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	f := requestForm{Type: v("type"), Team: v("team"), Contact: v("contact"), Operation: v("operation"), EventName: v("event_name"),
		EventPlace: v("event_place"), EventDate: v("event_date"), Urgency: v("urgency"), NeededBy: v("needed_by"), Asked: v("asked"),
		Why: v("why"), CaseRef: v("case_ref"), LawfulBasis: v("lawful_basis"), AuthorityRef: v("authority_ref"),
		NoAuthorityReason: v("no_authority_reason"), NamesPeople: c.FormValue("names_people") == "yes", Answer: v("answer")}
	var p tasking.Problems
	date := func(field, val string) time.Time {
		if val == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(formDate, val, s.opts.Location)
		if err != nil {
			p = append(p, tasking.Problem{Field: field, Message: "a date such as 2026-08-29"})
		} else if why := s.dateProblem(t); why != "" {
			p = append(p, tasking.Problem{Field: field, Message: why})
		}
		return t
	}
	r := tasking.Request{Type: f.Type, Team: f.Team, Contact: f.Contact, Operation: f.Operation, EventName: f.EventName,
		EventPlace: f.EventPlace, EventDate: date("event_date", f.EventDate), Urgency: tasking.Urgency(f.Urgency),
		NeededBy: date("needed_by", f.NeededBy), Asked: f.Asked, Why: f.Why, CaseRef: f.CaseRef, LawfulBasis: f.LawfulBasis,
		AuthorityRef: f.AuthorityRef, NamesPeople: f.NamesPeople, NoAuthorityReason: f.NoAuthorityReason}
	if r.Operation != "" {
		if _, ok := s.reg.Get(r.Operation); !ok {
			p = append(p, tasking.Problem{Field: "operation", Message: "there is no such operation"})
		}
	}
	// a draft may be half done, but never unbounded
	for _, x := range []string{f.Asked, f.Why, f.LawfulBasis, f.NoAuthorityReason, f.Answer} {
		if len(x) > 8000 {
			p = append(p, tasking.Problem{Field: "asked", Message: "a field may hold at most 8000 characters"})
			break
		}
	}
	return f, r, p
}

func (s *Server) newRequest(c echo.Context) error {
	return s.renderTasking(c, http.StatusOK, "tasking_form.html", "New request", taskingPage{
		Form: requestForm{Urgency: string(tasking.UrgencyRoutine)}, Ops: s.reg.All()})
}

func (s *Server) editRequest(c echo.Context) error {
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	if r.RequesterID != u.ID || (r.State != tasking.StateDraft && r.State != tasking.StateInfo) {
		return echo.NewHTTPError(http.StatusConflict, "Only a draft, or a request the hub asked more about, can be changed by its requester.")
	}
	return s.renderTasking(c, http.StatusOK, "tasking_form.html", "Request "+r.Ref(), taskingPage{Form: s.requestFormOf(r), Ops: s.reg.All()})
}

// saveRequest keeps the form as a draft ("save") or sends it ("send"):
// a request sent is checked in full, every problem shown at once.
func (s *Server) saveRequest(c echo.Context) error {
	u, _ := userFrom(c)
	f, r, problems := s.readForm(c)
	if id := c.Param("id"); id != "" {
		old, _, err := s.loadRequest(c)
		if err != nil {
			return err
		}
		if old.RequesterID != u.ID {
			return echo.NewHTTPError(http.StatusNotFound, "There is no such request.")
		}
		r.ID, f.ID, f.State, f.InfoAsked = old.ID, old.ID, old.State, old.InfoAsked
	}
	r.RequesterID, r.Requester = u.ID, u.Name
	send := c.FormValue("do") == "send"
	if send {
		problems = append(problems, s.opts.Tasking.CheckForm(r, s.opts.Now())...)
		if f.State == tasking.StateInfo && f.Answer == "" {
			problems = append(problems, tasking.Problem{Field: "answer", Message: "answer the hub's question"})
		}
	}
	if len(problems) > 0 {
		return s.renderTasking(c, http.StatusBadRequest, "tasking_form.html", "Request", taskingPage{Form: f, Problems: problems, Ops: s.reg.All()})
	}
	saved, err := s.store.SaveRequestForm(c.Request().Context(), r, send, f.Answer)
	switch {
	case errors.Is(err, store.ErrForbidden):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such request.")
	case errors.Is(err, tasking.ErrState):
		return echo.NewHTTPError(http.StatusConflict, "The request has moved on since the form was opened: it can no longer be changed here.")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests/"+strconv.FormatInt(saved.ID, 10))
}
