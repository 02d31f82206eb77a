package ui

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
)

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// evidenceCaptureForm is the capture form, prefilled from a hit on the
// board (?hit=ID: its item's URL and its first operation).
func (s *Server) evidenceCaptureForm(c echo.Context) error {
	p := evidencePage{}
	if h := c.QueryParam("hit"); h != "" {
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "The hit id is not valid.")
		}
		v, err := s.store.Hit(c.Request().Context(), id)
		if err != nil {
			return err
		}
		p.HitID, p.URL = id, v.Item.URL
		if len(v.Operations) > 0 {
			p.Operation = v.Operations[0]
		}
	}
	p.Ops = s.reg.All()
	return s.renderEvidence(c, http.StatusOK, "evidence_capture.html", "Capture a page", p)
}

// evidenceCapture preserves a public URL (POST url, note, and hit and
// operation when it comes from the board): the raw exchange as WARC and,
// with a browser, a screenshot and a PDF. The note says why; it is the
// first entry of the capture's custody log, audited with it.
func (s *Server) evidenceCapture(c echo.Context) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	p := evidencePage{URL: v("url"), Note: v("note"), Operation: v("operation")}
	if h := v("hit"); h != "" {
		id, err := strconv.ParseInt(h, 10, 64)
		if err != nil || id <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "The hit id is not valid.")
		}
		p.HitID = id
	}
	fail := func(code int, msg string) error {
		p.Problem, p.Ops = msg, s.reg.All()
		return s.renderEvidence(c, code, "evidence_capture.html", "Capture a page", p)
	}
	if p.URL == "" || utf8.RuneCountInString(p.URL) > 2048 {
		return fail(http.StatusBadRequest, "Give the public URL to capture (at most 2048 characters).")
	}
	if p.Note == "" || utf8.RuneCountInString(p.Note) > maxNote {
		return fail(http.StatusBadRequest, "Say why this page is captured (at most 4000 characters).")
	}
	if p.Operation != "" {
		if _, ok := s.reg.Get(p.Operation); !ok {
			return fail(http.StatusBadRequest, "There is no such operation.")
		}
	}
	u, _ := userFrom(c)
	cp, err := s.opts.Evidence.Capture(c.Request().Context(), evidence.CaptureRequest{URL: p.URL, By: u.Name, Note: p.Note,
		HitID: p.HitID, Operation: p.Operation})
	var fe *fetch.Error
	switch {
	case errors.As(err, &fe):
		return fail(http.StatusUnprocessableEntity, "The page was not captured: "+fe.Error())
	case errors.Is(err, evidence.ErrInvalid):
		return fail(http.StatusBadRequest, "The page was not captured: "+strings.TrimPrefix(err.Error(), "evidence: "))
	case err != nil:
		s.log.Warn("evidence capture failed", "url", p.URL, "err", err)
		return fail(http.StatusUnprocessableEntity, "The page was not captured: "+err.Error())
	}
	return c.Redirect(http.StatusSeeOther, "/evidence/captures/"+strconv.FormatInt(cp.ID, 10))
}

// evidenceCapturePage shows a capture (analysts), recording the viewing.
// A capture that is an exhibit shows as its exhibit.
func (s *Server) evidenceCapturePage(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if e, err := s.store.ExhibitOfCapture(ctx, id); err == nil {
		return c.Redirect(http.StatusSeeOther, "/evidence/exhibits/"+strconv.FormatInt(e.ID, 10))
	} else if !errors.Is(err, evidence.ErrNotFound) {
		return err
	}
	u, _ := userFrom(c)
	cp, err := s.opts.Evidence.View(ctx, id, u.Name, "opened in the console")
	if err != nil {
		return evidenceErr(err)
	}
	p := evidencePage{Producer: u.Name}
	if p.Capture, err = s.captureRow(c, cp); err != nil {
		return err
	}
	if p.Custody, err = s.custodyRows(c, id); err != nil {
		return err
	}
	cases, err := s.opts.Evidence.Cases(ctx)
	if err != nil {
		return err
	}
	for _, k := range cases {
		if k.Open() {
			p.OpenCases = append(p.OpenCases, caseRow{K: k})
		}
	}
	return s.renderEvidence(c, http.StatusOK, "evidence_item.html", "Capture "+strconv.FormatInt(id, 10), p)
}

// safeMediaTypes are the only types a file is served as; anything else is
// an octet stream. Every file is an attachment, sandboxed, never sniffed:
// what a captured page holds never runs in the console's origin.
var safeMediaTypes = map[string]string{
	evidence.KindWARC:       "application/warc",
	evidence.KindScreenshot: "image/png",
	evidence.KindPDF:        "application/pdf",
}

var fileExt = map[string]string{evidence.KindWARC: ".warc", evidence.KindScreenshot: ".png", evidence.KindPDF: ".pdf"}

// evidenceFile downloads one file of a capture, checked against its hash,
// recording the viewing. Officers may download the files of exhibits of
// their own cases.
func (s *Server) evidenceFile(c echo.Context) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	kind := c.Param("kind")
	ct, ok := safeMediaTypes[kind]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such file.")
	}
	ctx := c.Request().Context()
	u, _ := userFrom(c)
	if err := s.mayViewCapture(c, id); err != nil {
		return err
	}
	data, a, err := s.opts.Evidence.Artefact(ctx, id, kind, u.Name)
	if err != nil {
		if errors.Is(err, evidence.ErrTampered) {
			s.log.Error("evidence file changed on disk", "capture", id, "kind", kind, "err", err)
			return echo.NewHTTPError(http.StatusInternalServerError, "The file no longer matches its recorded hash; it is not served. This has been logged.")
		}
		return evidenceErr(err)
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="capture-`+strconv.FormatInt(id, 10)+"-"+a.SHA256[:12]+fileExt[kind]+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, ct, data)
}

// mayViewCapture refuses an officer a capture that is no exhibit of a
// case they are the officer in charge of.
func (s *Server) mayViewCapture(c echo.Context, captureID int64) error {
	u, _ := userFrom(c)
	if mayManage(u) {
		return nil
	}
	ctx := c.Request().Context()
	e, err := s.store.ExhibitOfCapture(ctx, captureID)
	if err != nil {
		if errors.Is(err, evidence.ErrNotFound) {
			return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
		}
		return err
	}
	k, err := s.opts.Evidence.Case(ctx, e.CaseID)
	if err != nil {
		return err
	}
	if !mayViewCase(u, k) {
		return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
	}
	return nil
}
