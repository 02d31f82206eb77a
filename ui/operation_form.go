package ui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// OperationEditor checks, stores and puts in force operations made or
// edited in the console. Check failures are watch.OperationProblems.
type OperationEditor interface {
	SaveOperation(ctx context.Context, op watch.Operation, by string, create bool) error
	RevertOperation(ctx context.Context, id, by string) error
	// Known is what an operation may name (lists, sources, teams), for
	// checking a form that cannot be saved as typed.
	Known() watch.Known
}

// formTime is how a datetime-local field writes a time (in the control
// room's time zone).
const formTime = "2006-01-02T15:04"

type choice struct {
	ID, Name string
	Checked  bool
}

type opFormPage struct {
	Create   bool
	Origin   string
	Action   string
	Problems watch.OperationProblems
	// the values as typed, so a refused form loses nothing
	ID, Name, Kind, Risk, Start, End, Place, Lat, Lon, Radius, Team, Terms, Context, Lead string
	Kinds, Risks, Teams                                                                   []string
	Lists, Sources                                                                        []choice
	TimeZone                                                                              string
	DraftID                                                                               int64
	// Version is the operation as the form was opened (opVersion): a save
	// from a form opened before someone else's change is refused, once.
	Version string
}

// opVersion names an operation's definition: two analysts editing one
// operation find out when the other saved first.
func opVersion(op watch.Operation) string {
	b, _ := json.Marshal(op)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func (s *Server) operationRoutes(a *echo.Group) {
	analyst := requireRole(watch.RoleAnalyst)
	a.GET("/operations/new", s.newOperation, analyst)
	a.POST("/operations/new", s.saveOperation, analyst)
	a.GET("/operations/:id/edit", s.editOperation, analyst)
	a.POST("/operations/:id/edit", s.saveOperation, analyst)
	a.POST("/operations/:id/revert", s.revertOperation, analyst)
	a.POST("/operations/drafts/:id/dismiss", s.dismissDraft, analyst)
}

// formOf fills the form from an operation.
func (s *Server) formOf(op watch.Operation) opFormPage {
	loc := s.opts.Location
	f := opFormPage{ID: op.ID, Name: op.Name, Kind: op.Kind, Risk: op.Risk, Place: op.Place, Team: op.Team,
		Terms: strings.Join(op.Terms, ", "), Context: op.Context, Origin: op.Origin}
	if !op.Start.IsZero() {
		f.Start = op.Start.In(loc).Format(formTime)
	}
	if !op.End.IsZero() {
		f.End = op.End.In(loc).Format(formTime)
	}
	if op.Point != nil {
		f.Lat, f.Lon = strconv.FormatFloat(op.Point.Lat, 'f', -1, 64), strconv.FormatFloat(op.Point.Lon, 'f', -1, 64)
	}
	if op.RadiusM > 0 {
		f.Radius = strconv.Itoa(op.RadiusM)
	}
	if op.BriefingLead > 0 {
		f.Lead = op.BriefingLead.String()
	}
	s.fillChoices(&f, op.WatchLists, op.Sources)
	return f
}

func (s *Server) fillChoices(f *opFormPage, lists, sources []string) {
	f.Kinds, f.Risks, f.Teams, f.TimeZone = watch.OperationKinds, watch.RiskLevels, s.opts.Teams, s.opts.Location.String()
	f.Lists, f.Sources = nil, nil
	for _, l := range s.opts.WatchLists {
		name := l.Name
		if name == "" {
			name = l.ID
		}
		f.Lists = append(f.Lists, choice{ID: l.ID, Name: name, Checked: slices.Contains(lists, l.ID)})
	}
	for _, src := range s.opts.Sources {
		name := src.Name
		if name == "" {
			name = src.ID
		}
		f.Sources = append(f.Sources, choice{ID: src.ID, Name: name, Checked: slices.Contains(sources, src.ID)})
	}
}

func (s *Server) renderOpForm(c echo.Context, code int, f opFormPage) error {
	title := "New operation"
	if !f.Create {
		title = "Edit " + f.Name
	}
	return s.render(c, code, "operation_form.html", page{Title: title, OpForm: f})
}

func (s *Server) newOperation(c echo.Context) error {
	op := watch.Operation{Kind: "other", Risk: "medium"}
	var draftID int64
	if q := c.QueryParam("draft"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound, "There is no such draft.")
		}
		d, err := s.store.DraftByID(c.Request().Context(), id)
		if err != nil {
			return err
		}
		if d.State != watch.DraftProposed {
			return echo.NewHTTPError(http.StatusConflict, "This draft was "+d.State+" already.")
		}
		op, draftID = fromDraft(d), d.ID
	}
	f := s.formOf(op)
	f.Create, f.Action, f.DraftID = true, "/operations/new", draftID
	return s.renderOpForm(c, http.StatusOK, f)
}

// fromDraft prefills an operation from a draft; the analyst checks and
// completes it before saving.
func fromDraft(d watch.Draft) watch.Operation {
	op := watch.Operation{ID: slug(d.Title), Name: cut(d.Title, watch.MaxOperationName), Kind: "other", Risk: "medium",
		Place: cut(d.Location, watch.MaxOperationPlace), Start: d.EventStart, End: d.EventEnd}
	if !op.Start.IsZero() && op.End.IsZero() {
		op.End = op.Start.Add(4 * time.Hour)
	}
	if d.List != "" {
		op.Kind, op.WatchLists = "ume", []string{d.List}
	}
	op.Context = cut("Proposed from source "+d.Source+": "+d.URL+"\n\n"+d.Text, watch.MaxOperationContext)
	return op
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// slug makes an operation id from a title: a-z, 0-9 and dashes.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}

// dismissDraft turns a draft down (analysts), audited.
func (s *Server) dismissDraft(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such draft.")
	}
	u, _ := userFrom(c)
	if err := s.store.DismissDraft(c.Request().Context(), id, u.Name, cut(strings.TrimSpace(c.FormValue("reason")), 500)); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/operations")
}

func (s *Server) editOperation(c echo.Context) error {
	op, ok := s.reg.Get(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such operation.")
	}
	f := s.formOf(op)
	f.Action = "/operations/" + op.ID + "/edit"
	f.Version = opVersion(op)
	return s.renderOpForm(c, http.StatusOK, f)
}

// readOperationForm reads the posted form into an operation and the form
// as typed; problems are what could not even be read.
func (s *Server) readOperationForm(c echo.Context, f *opFormPage, op *watch.Operation) watch.OperationProblems {
	var p watch.OperationProblems
	bad := func(field, msg string) { p = append(p, watch.FieldProblem{Field: field, Msg: msg}) }
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	f.Name, f.Kind, f.Risk, f.Start, f.End = v("name"), v("kind"), v("risk"), v("start"), v("end")
	f.Place, f.Lat, f.Lon, f.Radius, f.Team = v("place"), v("lat"), v("lon"), v("radius"), v("team")
	f.Terms, f.Context, f.Lead = v("terms"), strings.TrimSpace(c.FormValue("context")), v("briefing_lead")
	form, _ := c.FormParams()
	lists, sources := form["watchlists"], form["sources"]
	s.fillChoices(f, lists, sources)
	op.Name, op.Kind, op.Risk, op.Place, op.Team, op.Context = f.Name, f.Kind, f.Risk, f.Place, f.Team, f.Context
	op.WatchLists, op.Sources = lists, sources
	op.Terms = nil
	for _, t := range strings.Split(f.Terms, ",") {
		if t = strings.TrimSpace(t); t != "" {
			op.Terms = append(op.Terms, t)
		}
	}
	readTime := func(field, val string) time.Time {
		if val == "" {
			return time.Time{} // Check says it is required
		}
		t, err := time.ParseInLocation(formTime, val, s.opts.Location)
		if err != nil {
			bad(field, "want a date and time such as 2026-08-29T10:00")
		} else if why := s.dateProblem(t); why != "" {
			bad(field, "want "+why)
		}
		return t
	}
	op.Start, op.End = readTime("start", f.Start), readTime("end", f.End)
	op.Point, op.RadiusM = nil, 0
	if f.Lat != "" || f.Lon != "" {
		lat, err1 := strconv.ParseFloat(f.Lat, 64)
		lon, err2 := strconv.ParseFloat(f.Lon, 64)
		switch {
		case f.Lat == "" || f.Lon == "":
			bad("lat", "give both latitude and longitude, or neither")
		case err1 != nil || err2 != nil:
			bad("lat", "want decimal degrees, such as 51.5155 and -0.2059")
		default:
			op.Point = &watch.GeoPoint{Lat: lat, Lon: lon}
		}
	}
	if f.Radius != "" {
		n, err := strconv.Atoi(f.Radius)
		if err != nil {
			bad("radius", "want whole metres")
		}
		op.RadiusM = n
	}
	op.BriefingLead = 0
	if f.Lead != "" {
		d, err := time.ParseDuration(f.Lead)
		if err != nil {
			bad("briefing_lead", "want a duration such as 24h or 36h30m")
		}
		op.BriefingLead = d
	}
	return p
}

// saveOperation creates or updates an operation from the form (analysts);
// a refused form comes back with every problem and what was typed.
func (s *Server) saveOperation(c echo.Context) error {
	u, _ := userFrom(c)
	var op watch.Operation
	f := opFormPage{}
	id := c.Param("id")
	if id == "" {
		f.Create, f.Action = true, "/operations/new"
		f.ID = strings.TrimSpace(c.FormValue("id"))
		op.ID = f.ID
	} else {
		cur, ok := s.reg.Get(id)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound, "There is no such operation.")
		}
		op = cur // keeps what the form does not show (cadence)
		f.ID, f.Origin, f.Action = id, cur.Origin, "/operations/"+id+"/edit"
		f.Version = c.FormValue("version")
		if f.Version != "" && f.Version != opVersion(cur) {
			// someone saved first: show what this analyst typed, and let a
			// second save (with the version now in force) overwrite knowingly
			s.readOperationForm(c, &f, &op)
			f.Version = opVersion(cur)
			f.Problems = watch.OperationProblems{{Field: "version", Msg: "someone else changed this operation after you opened it. " +
				"Your values are below; saving again replaces theirs, or open the operation again to see what they changed."}}
			return s.renderOpForm(c, http.StatusConflict, f)
		}
	}
	if d, err := strconv.ParseInt(c.FormValue("draft"), 10, 64); err == nil && d > 0 {
		dr, err := s.store.DraftByID(c.Request().Context(), d)
		if err != nil {
			return err
		}
		if dr.State != watch.DraftProposed {
			return echo.NewHTTPError(http.StatusConflict, "This draft was "+dr.State+" already.")
		}
		f.DraftID = d
	}
	p := s.readOperationForm(c, &f, &op)
	if len(p) > 0 {
		// what could be read is checked too, so every problem shows at
		// once: a latitude without a longitude does not hide a bad id
		p = mergeProblems(p, op.Check(s.opts.OperationEditor.Known()))
	}
	if len(p) == 0 {
		err := s.opts.OperationEditor.SaveOperation(c.Request().Context(), op, u.Name, f.Create)
		var probs watch.OperationProblems
		switch {
		case errors.As(err, &probs):
			p = probs
		case err != nil:
			return err
		}
	}
	if len(p) > 0 {
		f.Problems = p
		return s.renderOpForm(c, http.StatusBadRequest, f)
	}
	if f.DraftID > 0 {
		// The operation is saved: a draft decided meanwhile by someone
		// else is no reason to tell the analyst it failed.
		if err := s.store.AcceptDraft(c.Request().Context(), f.DraftID, op.ID, u.Name); errors.Is(err, store.ErrNotFound) {
			s.log.Warn("draft decided meanwhile; the operation made from it is saved", "draft", f.DraftID, "operation", op.ID)
		} else if err != nil {
			return err
		}
	}
	return c.Redirect(http.StatusSeeOther, "/board/"+op.ID)
}

// revertOperation puts a config operation's file definition back in force.
func (s *Server) revertOperation(c echo.Context) error {
	u, _ := userFrom(c)
	err := s.opts.OperationEditor.RevertOperation(c.Request().Context(), c.Param("id"), u.Name)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no console edit of this operation.")
	}
	if err != nil {
		return err // logged; the person is told no more than that it failed
	}
	return c.Redirect(http.StatusSeeOther, "/operations")
}

// mergeProblems adds to read (what the form could not read) the checks'
// problems of other fields: a field that could not be read has its
// reading problem, not also "required". Latitude and longitude are read
// as one (reported on lat).
func mergeProblems(read, checked watch.OperationProblems) watch.OperationProblems {
	had := map[string]bool{}
	for _, p := range read {
		had[p.Field] = true
	}
	out := read
	for _, p := range checked {
		if !had[p.Field] && !(p.Field == "lon" && had["lat"]) && !(p.Field == "radius" && had["lat"] && strings.Contains(p.Msg, "coordinates")) {
			out = append(out, p)
		}
	}
	return out
}
