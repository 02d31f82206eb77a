package ui

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/evidence"
)

// evidenceOpenCase opens a case (reference, officer in charge, offence or
// purpose; the operation and tasking request id when given), audited.
func (s *Server) evidenceOpenCase(c echo.Context) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	p := evidencePage{Reference: v("reference"), Officer: v("officer"), Purpose: v("purpose"), Operation: v("operation"), Tasking: v("tasking")}
	fail := func(code int, msg string) error {
		p.Problem = msg
		return s.evidenceIndexWith(c, code, p)
	}
	for _, f := range []struct{ val, name string }{{p.Reference, "reference"}, {p.Officer, "officer in charge"}, {p.Purpose, "offence or purpose"}} {
		if f.val == "" || utf8.RuneCountInString(f.val) > 200 {
			return fail(http.StatusBadRequest, "Give the case's "+f.name+" (at most 200 characters).")
		}
	}
	if utf8.RuneCountInString(p.Tasking) > 200 {
		return fail(http.StatusBadRequest, "A tasking request id may have at most 200 characters.")
	}
	if p.Operation != "" {
		if _, ok := s.reg.Get(p.Operation); !ok {
			return fail(http.StatusBadRequest, "There is no such operation.")
		}
	}
	u, _ := userFrom(c)
	k, err := s.opts.Evidence.OpenCase(c.Request().Context(), evidence.NewCase{Reference: p.Reference, Officer: p.Officer,
		Purpose: p.Purpose, Operation: p.Operation, Tasking: p.Tasking, By: u.Name})
	if err != nil {
		if he, ok := evidenceErr(err).(*echo.HTTPError); ok {
			return fail(he.Code, he.Message.(string))
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/cases/"+strconv.FormatInt(k.ID, 10))
}

// caseFor loads a case the signed-in user may see.
func (s *Server) caseFor(c echo.Context) (evidence.Case, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return evidence.Case{}, err
	}
	k, err := s.opts.Evidence.Case(c.Request().Context(), id)
	if err != nil {
		return k, evidenceErr(err)
	}
	u, _ := userFrom(c)
	if !mayViewCase(u, k) {
		return k, echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
	}
	return k, nil
}

// evidenceCasePage shows a case and its exhibits.
func (s *Server) evidenceCasePage(c echo.Context) error {
	k, err := s.caseFor(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p := evidencePage{}
	if p.Case, err = s.caseRow(c, k); err != nil {
		return err
	}
	exs, err := s.opts.Evidence.Exhibits(ctx, k.ID)
	if err != nil {
		return err
	}
	for _, e := range exs {
		cp, err := s.store.EvidenceCapture(ctx, e.CaptureID)
		if err != nil {
			return err
		}
		p.Exhibits = append(p.Exhibits, exhibitRow{E: e, Added: s.evTime(e.AddedAt), Capture: captureRow{C: cp, At: s.evTime(cp.CapturedAt)}})
	}
	return s.renderEvidence(c, http.StatusOK, "evidence_case.html", "Case "+k.Reference, p)
}

// evidenceCloseCase closes a case, audited: its exhibits' review clocks start.
func (s *Server) evidenceCloseCase(c echo.Context) error {
	k, err := s.caseFor(c)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	if _, err := s.opts.Evidence.CloseCase(c.Request().Context(), k.ID, u.Name); err != nil {
		return evidenceErr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/cases/"+strconv.FormatInt(k.ID, 10))
}

// evidenceAddExhibit makes a capture an exhibit of a case (POST case,
// capture, producer, description), numbered from the producer's initials.
func (s *Server) evidenceAddExhibit(c echo.Context) error {
	caseID, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("case")), 10, 64)
	if err != nil || caseID <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose the case.")
	}
	k, err := s.opts.Evidence.Case(c.Request().Context(), caseID)
	if err != nil {
		return evidenceErr(err)
	}
	captureID, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("capture")), 10, 64)
	if err != nil || captureID <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose the capture to add.")
	}
	producer := strings.TrimSpace(c.FormValue("producer"))
	desc := strings.TrimSpace(c.FormValue("description"))
	if utf8.RuneCountInString(producer) > 200 || utf8.RuneCountInString(desc) > maxNote {
		return echo.NewHTTPError(http.StatusBadRequest, "The producer or the description is too long.")
	}
	u, _ := userFrom(c)
	e, err := s.opts.Evidence.AddExhibit(c.Request().Context(), evidence.NewExhibit{CaseID: k.ID, CaptureID: captureID,
		Producer: producer, Initials: strings.TrimSpace(c.FormValue("initials")), Description: desc, By: u.Name})
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return echo.NewHTTPError(http.StatusConflict, "That capture is an exhibit already.")
		}
		return evidenceErr(err)
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/exhibits/"+strconv.FormatInt(e.ID, 10))
}

// evidenceExport writes the case's signed package and downloads it; each
// exhibit's custody log ends with "exported" and the package id.
func (s *Server) evidenceExport(c echo.Context) error {
	k, err := s.caseFor(c)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "watchroom-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	name := "case-" + safeFileName(k.Reference) + ".zip"
	path := filepath.Join(dir, name)
	u, _ := userFrom(c)
	out, err := s.opts.Evidence.ExportFile(c.Request().Context(), k.ID, u.Name, path)
	if err != nil {
		return evidenceErr(err)
	}
	h := c.Response().Header()
	h.Set("X-Package-Id", out.PackageID)
	h.Set("X-Package-Sha256", out.SHA256)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	return c.Attachment(path, name)
}

// safeFileName keeps letters, digits, - and _ of a case reference.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('-')
		}
	}
	return b.String()
}
