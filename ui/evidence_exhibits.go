package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/evidence"
)

// exhibitFor loads an exhibit and its case, if the signed-in user may see
// the case.
func (s *Server) exhibitFor(c echo.Context) (evidence.Exhibit, evidence.Case, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return evidence.Exhibit{}, evidence.Case{}, err
	}
	ctx := c.Request().Context()
	e, err := s.store.Exhibit(ctx, id)
	if err != nil {
		return e, evidence.Case{}, evidenceErr(err)
	}
	k, err := s.opts.Evidence.Case(ctx, e.CaseID)
	if err != nil {
		return e, k, err
	}
	u, _ := userFrom(c)
	if !mayViewCase(u, k) {
		return e, k, echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
	}
	return e, k, nil
}

// evidenceExhibitPage shows an exhibit: the capture's facts, hashes,
// custody log and files. Every view is a "viewed" custody entry.
func (s *Server) evidenceExhibitPage(c echo.Context) error {
	e, k, err := s.exhibitFor(c)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	cp, err := s.opts.Evidence.View(c.Request().Context(), e.CaptureID, u.Name, "exhibit "+e.Reference+" opened in the console")
	if err != nil {
		return evidenceErr(err)
	}
	p := evidencePage{HasExhibit: true, Exhibit: exhibitRow{E: e, Added: s.evTime(e.AddedAt)}}
	if p.Case, err = s.caseRow(c, k); err != nil {
		return err
	}
	if p.Capture, err = s.captureRow(c, cp); err != nil {
		return err
	}
	if p.Custody, err = s.custodyRows(c, e.CaptureID); err != nil {
		return err
	}
	p.Retention = []string{evidence.RetentionStandard, evidence.RetentionExtended}
	return s.renderEvidence(c, http.StatusOK, "evidence_item.html", "Exhibit "+e.Reference, p)
}

// evidenceDisclose records to whom an exhibit was disclosed.
func (s *Server) evidenceDisclose(c echo.Context) error {
	e, _, err := s.exhibitFor(c)
	if err != nil {
		return err
	}
	to := strings.TrimSpace(c.FormValue("to"))
	if to == "" || utf8.RuneCountInString(to) > 500 {
		return echo.NewHTTPError(http.StatusBadRequest, "Say to whom the exhibit is disclosed (at most 500 characters).")
	}
	u, _ := userFrom(c)
	if err := s.opts.Evidence.Disclose(c.Request().Context(), e.ID, u.Name, to); err != nil {
		return evidenceErr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/exhibits/"+strconv.FormatInt(e.ID, 10))
}

// evidenceRetention changes an exhibit's retention class, for a reason.
func (s *Server) evidenceRetention(c echo.Context) error {
	e, _, err := s.exhibitFor(c)
	if err != nil {
		return err
	}
	class := c.FormValue("class")
	reason := strings.TrimSpace(c.FormValue("reason"))
	if !slices.Contains([]string{evidence.RetentionStandard, evidence.RetentionExtended}, class) || reason == "" || utf8.RuneCountInString(reason) > 1000 {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose a retention class and give a reason (at most 1000 characters).")
	}
	u, _ := userFrom(c)
	if err := s.opts.Evidence.SetRetention(c.Request().Context(), e.ID, class, u.Name, reason); err != nil {
		return evidenceErr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/exhibits/"+strconv.FormatInt(e.ID, 10))
}
