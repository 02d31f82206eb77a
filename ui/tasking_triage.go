package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

// taskingQueue is the hub's queue: requests waiting for triage or an
// answer, and those in work. It follows the tasking board live.
func (s *Server) taskingQueue(c echo.Context) error {
	head, err := s.liveHead(c)
	if err != nil {
		return err
	}
	rows, err := s.queueRows(c)
	if err != nil {
		return err
	}
	return s.renderTasking(c, http.StatusOK, "tasking_queue.html", "Tasking", taskingPage{Requests: rows, LiveBoard: watch.BoardTasking, Head: head})
}

func (s *Server) queueRows(c echo.Context) ([]requestRow, error) {
	rs, err := s.store.Requests(c.Request().Context(), store.RequestQuery{States: []tasking.State{tasking.StateSubmitted, tasking.StateInfo, tasking.StateAccepted}, Limit: 2000})
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	out := make([]requestRow, 0, len(rs))
	for _, r := range rs {
		out = append(out, s.rowOf(r, now))
	}
	return out, nil
}

func (s *Server) taskingQueueJSON(c echo.Context) error {
	rows, err := s.queueRows(c)
	if err != nil {
		return err
	}
	type row struct {
		requestRow
		Priority string `json:"priority"`
		Assignee string `json:"assignee"`
		Due      string `json:"due"`
	}
	out := make([]row, len(rows))
	for i, r := range rows {
		out[i] = row{requestRow: r, Priority: r.Priority, Assignee: r.Assignee, Due: r.Due}
	}
	return c.JSON(http.StatusOK, map[string]any{"requests": out})
}

// decision reads a decision from the posted form.
func (s *Server) decision(c echo.Context, u watch.User) (tasking.Decision, tasking.Problems) {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	d := tasking.Decision{Action: tasking.Action(v("action")), By: u.Name, Priority: v("priority"), Assignee: v("assignee"),
		Reason: v("reason"), Text: v("text"), Link: tasking.Link{Kind: v("kind"), Ref: v("ref"), Note: v("note")}}
	var p tasking.Problems
	if due := v("due"); due != "" {
		t, err := time.ParseInLocation(formDate, due, s.opts.Location)
		if err != nil {
			p = append(p, tasking.Problem{Field: "due", Message: "a date such as 2026-08-29"})
		} else if why := s.dateProblem(t); why != "" {
			p = append(p, tasking.Problem{Field: "due", Message: why})
		}
		d.Due = t.Add(24*time.Hour - time.Second) // the end of the day named
	}
	if into := v("into"); into != "" {
		id, ok := tasking.ParseRef(into)
		if !ok {
			p = append(p, tasking.Problem{Field: "into", Message: "a reference such as R-00042"})
		}
		d.Into = id
	}
	num := func(k string) int {
		if v(k) == "" {
			return 0
		}
		n, err := strconv.Atoi(v(k))
		if err != nil {
			p = append(p, tasking.Problem{Field: k, Message: "a whole number"})
		}
		return n
	}
	if d.Action == tasking.ActClose {
		d.Outcome = tasking.Outcome{Intelligence: num("intelligence"), Delivered: num("delivered"), Note: v("note"),
			Grading: tasking.Grading{Source: v("source_grade"), Intelligence: v("intel_grade"), Handling: v("handling"), Conditions: v("conditions")}}
	}
	return d, append(p, d.Check()...)
}

// triageRequest takes a supervisor's decision: accept, decline, ask for
// more, merge, reassign or reopen.
func (s *Server) triageRequest(c echo.Context) error {
	return s.decide(c, tasking.ActAccept, tasking.ActDecline, tasking.ActAskInfo, tasking.ActMerge, tasking.ActAssign, tasking.ActReopen)
}

// workRequest records an analyst's work: a link to what the request
// produced, or its close with an outcome.
func (s *Server) workRequest(c echo.Context) error {
	return s.decide(c, tasking.ActLink, tasking.ActClose)
}

func (s *Server) decide(c echo.Context, may ...tasking.Action) error {
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	d, problems := s.decision(c, u)
	ok := false
	for _, a := range may {
		ok = ok || a == d.Action
	}
	if !ok {
		return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
	}
	back := "/requests/" + strconv.FormatInt(r.ID, 10)
	if len(problems) == 0 {
		_, err = s.store.DecideRequest(c.Request().Context(), r.ID, d, nil)
		var ps tasking.Problems
		switch {
		case errors.As(err, &ps):
			problems = ps
		case errors.Is(err, tasking.ErrState):
			problems = tasking.Problems{{Field: "action", Message: "the request has moved on: " + r.Ref() + " is now " + r.State.Label() + "; reload to see it"}}
		case err != nil:
			return err
		}
	}
	if len(problems) > 0 {
		if wantsJSON(c) {
			return c.JSON(http.StatusBadRequest, map[string]any{"problems": problems})
		}
		return c.Redirect(http.StatusSeeOther, back+"?problem="+url.QueryEscape(problems.Error())+"#decide")
	}
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]string{"ok": string(d.Action)})
	}
	return c.Redirect(http.StatusSeeOther, back+"?done="+url.QueryEscape(d.Action.Label()))
}

func wantsJSON(c echo.Context) bool {
	return strings.Contains(c.Request().Header.Get("Accept"), "application/json")
}

// addProduct stores a new version of the request's intelligence product.
func (s *Server) addProduct(c echo.Context) error {
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	title, text := strings.TrimSpace(c.FormValue("title")), strings.TrimSpace(c.FormValue("text"))
	back := "/requests/" + strconv.FormatInt(r.ID, 10)
	if title == "" || text == "" || len(title) > 200 || len(text) > 60000 {
		return c.Redirect(http.StatusSeeOther, back+"?problem="+url.QueryEscape("A product needs a title (at most 200 characters) and its text (at most 60,000).")+"#product")
	}
	if _, err := s.store.AddProduct(c.Request().Context(), r.ID, title, text, u.Name); errors.Is(err, tasking.ErrState) {
		return c.Redirect(http.StatusSeeOther, back+"?problem="+url.QueryEscape("Products are added while a request is in work.")+"#product")
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back+"?done="+url.QueryEscape("Product version added")+"#product")
}

// releaseProduct shows a product version to the requester.
func (s *Server) releaseProduct(c echo.Context) error {
	r, u, err := s.loadRequest(c)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(c.Param("v"))
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such version.")
	}
	err = s.store.ReleaseProduct(c.Request().Context(), r.ID, v, u.Name)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such version, or it is released already.")
	}
	if err != nil && !errors.Is(err, tasking.ErrState) {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/requests/"+strconv.FormatInt(r.ID, 10)+"?done="+url.QueryEscape("Product released")+"#product")
}
