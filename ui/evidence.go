package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
)

// Evidence in the console (docs/evidence.md). Who may do what, checked
// here on the server whatever the page shows:
//   - analysts and admins capture, open and close cases, add exhibits,
//     export packages, record disclosures and change retention classes;
//   - an officer sees the cases whose officer in charge is their user
//     name (letter case aside), with those cases' exhibits and files,
//     and changes nothing;
//   - viewers see no evidence.
// Every view of a capture or exhibit, and every file downloaded, is a
// "viewed" entry of its custody log; every change is audited with it.

func (s *Server) evidenceRoutes(a *echo.Group) {
	analyst := requireRole(watch.RoleAnalyst)
	officer := requireRole(watch.RoleOfficer)
	a.GET("/evidence", s.evidenceIndex, officer)
	a.GET("/evidence/capture", s.evidenceCaptureForm, analyst)
	a.POST("/evidence/captures", s.evidenceCapture, analyst)
	a.GET("/evidence/captures/:id", s.evidenceCapturePage, analyst)
	a.GET("/evidence/captures/:id/files/:kind", s.evidenceFile, officer)
	a.POST("/evidence/cases", s.evidenceOpenCase, analyst)
	a.GET("/evidence/cases/:id", s.evidenceCasePage, officer)
	a.POST("/evidence/cases/:id/close", s.evidenceCloseCase, analyst)
	a.POST("/evidence/exhibits", s.evidenceAddExhibit, analyst)
	a.POST("/evidence/cases/:id/export", s.evidenceExport, analyst)
	a.GET("/evidence/exhibits/:id", s.evidenceExhibitPage, officer)
	a.POST("/evidence/exhibits/:id/disclose", s.evidenceDisclose, analyst)
	a.POST("/evidence/exhibits/:id/retention", s.evidenceRetention, analyst)
}

// evidencePage is what the evidence templates get.
type evidencePage struct {
	Problem    string
	TimeZone   string
	CanManage  bool // analyst or admin
	Captures   []captureRow
	Cases      []caseRow
	OpenCases  []caseRow
	Ops        []watch.Operation
	Case       caseRow
	Exhibits   []exhibitRow
	Capture    captureRow
	Exhibit    exhibitRow
	HasExhibit bool
	Custody    []custodyRow
	Retention  []string
	Reviews    []reviewRow // exhibits of closed cases due for review
	// the capture form, as typed or prefilled from a hit
	URL, Note, Operation string
	HitID                int64
	// the case form
	Reference, Officer, Purpose, Tasking string
	Producer                             string
}

// when is a time shown both in the configured zone, named, and in UTC.
type when struct {
	Local, UTC, ISO string
}

type captureRow struct {
	C          evidence.Capture
	At         when
	RenderedAt when
	Exhibit    string // the exhibit reference, if it is one
	ExhibitID  int64
}

type caseRow struct {
	K        evidence.Case
	Opened   when
	Closed   when
	Exhibits int
}

type exhibitRow struct {
	E       evidence.Exhibit
	Added   when
	Capture captureRow
}

type reviewRow struct {
	R  evidence.Review
	At when
}

type custodyRow struct {
	E      evidence.CustodyEntry
	At     when
	Detail string
}

func (s *Server) evTime(t time.Time) when {
	if t.IsZero() {
		return when{}
	}
	loc := s.opts.Location
	return when{Local: formatTime(t, loc) + " (" + loc.String() + ")",
		UTC: t.UTC().Format("2006-01-02 15:04:05") + " UTC", ISO: t.UTC().Format(time.RFC3339)}
}

func (s *Server) renderEvidence(c echo.Context, code int, name, title string, p evidencePage) error {
	u, _ := userFrom(c)
	p.TimeZone = s.opts.Location.String()
	p.CanManage = u.Role.AtLeast(watch.RoleAnalyst)
	return s.render(c, code, name, page{Title: title, Evidence: p})
}

// evidenceErr turns the evidence package's errors into what a person is told.
func evidenceErr(err error) error {
	switch {
	case errors.Is(err, evidence.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "Not found.")
	case errors.Is(err, evidence.ErrClosed):
		return echo.NewHTTPError(http.StatusConflict, "The case is closed.")
	case errors.Is(err, evidence.ErrExists):
		return echo.NewHTTPError(http.StatusConflict, "A case with that reference exists already.")
	case errors.Is(err, evidence.ErrInvalid):
		return echo.NewHTTPError(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "evidence: "))
	}
	return err
}

func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "The id is not valid.")
	}
	return id, nil
}

// mayViewCase: analysts and admins see every case, an officer the cases
// they are the officer in charge of.
func mayViewCase(u watch.User, k evidence.Case) bool {
	return u.Role.AtLeast(watch.RoleAnalyst) || u.Role.AtLeast(watch.RoleOfficer) && strings.EqualFold(strings.TrimSpace(k.Officer), u.Name)
}

func (s *Server) caseRow(c echo.Context, k evidence.Case) (caseRow, error) {
	exs, err := s.opts.Evidence.Exhibits(c.Request().Context(), k.ID)
	if err != nil {
		return caseRow{}, err
	}
	return caseRow{K: k, Opened: s.evTime(k.OpenedAt), Closed: s.evTime(k.ClosedAt), Exhibits: len(exs)}, nil
}

func (s *Server) captureRow(c echo.Context, cp evidence.Capture) (captureRow, error) {
	r := captureRow{C: cp, At: s.evTime(cp.CapturedAt), RenderedAt: s.evTime(cp.RenderedAt)}
	e, err := s.store.ExhibitOfCapture(c.Request().Context(), cp.ID)
	switch {
	case err == nil:
		r.Exhibit, r.ExhibitID = e.Reference, e.ID
	case !errors.Is(err, evidence.ErrNotFound):
		return r, err
	}
	return r, nil
}

func (s *Server) custodyRows(c echo.Context, captureID int64) ([]custodyRow, error) {
	log, err := s.opts.Evidence.Custody(c.Request().Context(), captureID)
	if err != nil {
		return nil, err
	}
	out := make([]custodyRow, 0, len(log))
	for _, e := range log {
		var parts []string
		for _, k := range sortedKeys(e.Detail) {
			parts = append(parts, k+": "+e.Detail[k])
		}
		out = append(out, custodyRow{E: e, At: s.evTime(e.At), Detail: strings.Join(parts, "; ")})
	}
	return out, nil
}

// evidenceIndex lists the captures (analysts) and the cases one may see.
func (s *Server) evidenceIndex(c echo.Context) error {
	return s.evidenceIndexWith(c, http.StatusOK, evidencePage{})
}

func (s *Server) evidenceIndexWith(c echo.Context, code int, p evidencePage) error {
	ctx := c.Request().Context()
	u, _ := userFrom(c)
	if u.Role.AtLeast(watch.RoleAnalyst) {
		caps, err := s.store.EvidenceCaptures(ctx, 200)
		if err != nil {
			return err
		}
		for _, cp := range caps {
			r, err := s.captureRow(c, cp)
			if err != nil {
				return err
			}
			p.Captures = append(p.Captures, r)
		}
		reviews, err := s.opts.Evidence.Reviews(ctx)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if r.Due {
				p.Reviews = append(p.Reviews, reviewRow{R: r, At: s.evTime(r.ReviewAt)})
			}
		}
	}
	cases, err := s.opts.Evidence.Cases(ctx)
	if err != nil {
		return err
	}
	for _, k := range cases {
		if !mayViewCase(u, k) {
			continue
		}
		r, err := s.caseRow(c, k)
		if err != nil {
			return err
		}
		p.Cases = append(p.Cases, r)
	}
	p.Ops = s.reg.All()
	return s.renderEvidence(c, code, "evidence.html", "Evidence", p)
}

func mayManage(u watch.User) bool { return u.Role.AtLeast(watch.RoleAnalyst) }
