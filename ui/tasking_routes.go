package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

// taskingRoutes are the requests anyone signed in may make of the hub,
// their triage (supervisors), their work (analysts) and the demand figures.
func (s *Server) taskingRoutes(a *echo.Group) {
	analyst, supervisor := requireRole(watch.RoleAnalyst), requireRole(watch.RoleSupervisor)
	a.GET("/requests", s.myRequests)
	a.GET("/requests/new", s.newRequest)
	a.POST("/requests", s.saveRequest)
	a.GET("/requests/:id", s.requestPage)
	a.GET("/requests/:id/edit", s.editRequest)
	a.POST("/requests/:id", s.saveRequest)
	a.GET("/api/requests/:id", s.requestJSON)
	a.GET("/tasking", s.taskingQueue, analyst)
	a.GET("/api/tasking/queue", s.taskingQueueJSON, analyst)
	a.POST("/requests/:id/triage", s.triageRequest, supervisor)
	a.POST("/requests/:id/work", s.workRequest, analyst)
	a.POST("/requests/:id/products", s.addProduct, analyst)
	a.POST("/requests/:id/products/:v/release", s.releaseProduct, analyst)
	a.GET("/demand", s.demandPage, analyst)
	a.GET("/api/demand", s.demandJSON, analyst)
	a.GET("/demand/report", s.demandReport, analyst)
	a.GET("/demand/transparency", s.demandTransparency, analyst)
	a.GET("/demand.csv", s.demandCSV, analyst)
}

// requesterPaths are the only routes a requester may use: their own
// requests and the websocket (which checks the board itself). Everything
// else is refused, so a route added later is closed to requesters until
// it is opened here on purpose.
var requesterPaths = map[string]bool{
	"/logout": true, "/requests": true, "/requests/new": true, "/requests/:id": true, "/requests/:id/edit": true,
	"/api/requests/:id": true, "/ws": true, "/": true,
}

// requesterFence keeps requesters to their own requests: no board, no
// operation, no hit.
func (s *Server) requesterFence(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, ok := userFrom(c)
		if !ok || u.Role.AtLeast(watch.RoleViewer) {
			return next(c)
		}
		if c.Path() == "/" {
			return c.Redirect(http.StatusSeeOther, "/requests")
		}
		if !requesterPaths[c.Path()] || s.opts.Tasking == nil {
			return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
		}
		return next(c)
	}
}

// mayFollowTaskingBoard says whether u may receive a tasking board's
// events: their own requests' board, or the hub's for analysts and up.
func mayFollowTaskingBoard(u watch.User, board string) bool {
	if board == watch.BoardTasking {
		return u.Role.AtLeast(watch.RoleAnalyst)
	}
	return board == watch.RequesterBoard(u.ID) || u.Role.AtLeast(watch.RoleAnalyst)
}

// taskingPage is what the tasking templates get beside the common page.
type taskingPage struct {
	page
	Cfg         tasking.Config
	Me          watch.User
	Hub         bool // the viewer works in the hub (analyst and up)
	Supervisor  bool
	LiveBoard   string
	Epoch       string
	Requests    []requestRow
	Form        requestForm
	Problems    tasking.Problems
	Request     *requestView
	Ops         []watch.Operation
	Demand      *demandView
	States      []tasking.State
	LinkKinds   []string
	Priorities  []string
	Reasons     []string
	Urgencies   []tasking.Urgency
	Grades      [3][]string
	Notice      string
	TriageError string
	Head        int64 // the timeline's head when the page was read: live from there
}

// liveHead is the timeline's head, read before a live page reads its data
// so nothing committed meanwhile is missed (a duplicate is dropped by seq).
func (s *Server) liveHead(c echo.Context) (int64, error) {
	return s.store.Head(c.Request().Context())
}

func (s *Server) renderTasking(c echo.Context, code int, name, title string, p taskingPage) error {
	p.page.Title = title
	s.fillPage(c, &p.page)
	if u, ok := userFrom(c); ok {
		p.Me = u
		p.Hub, p.Supervisor = u.Role.AtLeast(watch.RoleAnalyst), u.Role.AtLeast(watch.RoleSupervisor)
	}
	p.Cfg, p.Epoch = *s.opts.Tasking, s.store.Epoch()
	p.States, p.LinkKinds, p.Priorities, p.Reasons, p.Urgencies = tasking.States, tasking.LinkKinds, tasking.Priorities, tasking.DeclineReasons, tasking.Urgencies
	p.Grades = [3][]string{tasking.SourceGrades, tasking.IntelligenceGrades, tasking.HandlingCodes}
	c.Response().Header().Set("Content-Type", "text/html; charset=utf-8")
	c.Response().WriteHeader(code)
	return s.tmpl.ExecuteTemplate(c.Response(), name, p)
}

// loadRequest reads the request of the route's :id that u may see: its
// requester's, or anyone's for the hub. Others get 404, as if it did not
// exist, so references cannot be probed.
func (s *Server) loadRequest(c echo.Context) (tasking.Request, watch.User, error) {
	u, _ := userFrom(c)
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return tasking.Request{}, u, echo.NewHTTPError(http.StatusNotFound, "There is no such request.")
	}
	r, err := s.store.Request(c.Request().Context(), id)
	if errors.Is(err, store.ErrNotFound) || err == nil && !mayView(u, r) {
		return tasking.Request{}, u, echo.NewHTTPError(http.StatusNotFound, "There is no such request.")
	}
	return r, u, err
}

func mayView(u watch.User, r tasking.Request) bool {
	if r.RequesterID == u.ID {
		return true
	}
	return u.Role.AtLeast(watch.RoleAnalyst) && r.State != tasking.StateDraft
}
