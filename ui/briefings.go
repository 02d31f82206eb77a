package ui

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// BriefingGenerator makes and stores a new briefing version for an operation.
type BriefingGenerator func(ctx context.Context, operation, by string) (watch.BriefingVersion, error)

type briefingsPage struct {
	Versions  []watch.BriefingVersion
	Ops       []watch.Operation
	CanWrite  bool
	Generated string
}

// mayRead says whether a person may read an operation's briefings: the hub
// and control room read all; a viewer reads only their own team's.
func (s *Server) mayRead(u watch.User, operation string) bool {
	if u.Role.AtLeast(watch.RoleOfficer) {
		return true
	}
	op, ok := s.reg.Get(operation)
	return ok && u.Team != "" && op.Team == u.Team
}

// briefings lists the stored versions a person may read, newest first.
func (s *Server) briefings(c echo.Context) error {
	all, err := s.store.Briefings(c.Request().Context(), "")
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	vs := []watch.BriefingVersion{}
	for _, b := range all {
		if s.mayRead(u, b.Operation) {
			vs = append(vs, b)
		}
	}
	return s.render(c, http.StatusOK, "briefings.html", page{Title: "Briefings", Briefings: briefingsPage{
		Versions: vs, Ops: s.reg.All(), CanWrite: u.Role.AtLeast(watch.RoleAnalyst)}})
}

// generateBriefing makes a version on demand (analysts).
func (s *Server) generateBriefing(c echo.Context) error {
	op := c.FormValue("operation")
	if _, ok := s.reg.Get(op); !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such operation.")
	}
	u, _ := userFrom(c)
	b, err := s.opts.Briefings(c.Request().Context(), op, u.Name)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/briefings/%d", b.ID))
}

func (s *Server) storedBriefing(c echo.Context) (watch.BriefingVersion, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return watch.BriefingVersion{}, echo.NewHTTPError(http.StatusNotFound, "There is no such briefing.")
	}
	sb, err := s.store.Briefing(c.Request().Context(), id)
	if err != nil {
		return sb, err
	}
	if u, _ := userFrom(c); !s.mayRead(u, sb.Operation) {
		return sb, echo.NewHTTPError(http.StatusForbidden, "This briefing is for another team.")
	}
	return sb, nil
}

// briefing shows a stored version as a printable page; viewing is audited.
func (s *Server) briefing(c echo.Context) error {
	sb, err := s.storedBriefing(c)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	if err := s.store.Audit(c.Request().Context(), watch.AuditEntry{Actor: u.Name, Action: "briefing_view",
		Target: fmt.Sprintf("briefing:%d", sb.ID)}); err != nil {
		return err
	}
	marks, err := s.store.BriefingErasures(c.Request().Context(), sb.ID)
	if err != nil {
		return err
	}
	withheld := 0
	if len(marks) > 0 {
		// the version quoted items since erased: it is kept as the record
		// of what was delivered, but the console no longer shows them
		if sb.Doc.KeyHits, withheld, err = s.withoutErased(c, sb.Doc.KeyHits); err != nil {
			return err
		}
	}
	doc, err := s.renderStored(sb, marks, withheld)
	if err != nil {
		return err
	}
	return c.HTMLBlob(http.StatusOK, doc)
}

// withoutErased leaves out the key hits whose item is no longer stored.
func (s *Server) withoutErased(c echo.Context, hits []watch.HitView) ([]watch.HitView, int, error) {
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.Item.ID
	}
	kept, err := s.store.ExistingItems(c.Request().Context(), ids)
	if err != nil {
		return nil, 0, err
	}
	var out []watch.HitView
	for _, h := range hits {
		if kept[h.Item.ID] {
			out = append(out, h)
		}
	}
	return out, len(hits) - len(out), nil
}

func (s *Server) renderStored(sb watch.BriefingVersion, marks []store.Erasure, withheld int) ([]byte, error) {
	d, err := s.briefingDoc(sb.Doc, sb.Version, false)
	if err != nil {
		return nil, err
	}
	d.ID, d.SHA256 = sb.ID, sb.SHA256
	for _, m := range marks {
		d.Erasures = append(d.Erasures, erasureMark{ID: m.ID, At: formatTime(m.At, s.opts.Location), By: m.By, Reason: m.Reason})
	}
	d.Withheld = withheld
	return s.execBriefing(d)
}

// downloadBriefing sends the delivered document itself, as kept on disk
// under its SHA-256, checked again before it leaves; audited as an export.
func (s *Server) downloadBriefing(c echo.Context) error {
	sb, err := s.storedBriefing(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if kept, err := s.store.DocumentKept(ctx, sb.SHA256); err != nil {
		return err
	} else if !kept {
		return echo.NewHTTPError(http.StatusGone, "This briefing's delivered document is past its retention class and was deleted; the version's record is still shown online.")
	}
	u, _ := userFrom(c)
	if marks, err := s.store.BriefingErasures(ctx, sb.ID); err != nil {
		return err
	} else if len(marks) > 0 && u.Role != watch.RoleAdmin {
		return echo.NewHTTPError(http.StatusGone, "This briefing's delivered document quotes material erased since; only an admin may download it, as the record of what was delivered.")
	}
	path := filepath.Join(s.opts.BlobDir, sb.SHA256+".html")
	doc, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("briefing %d document: %w", sb.ID, err)
	}
	if sum := sha256Hex(doc); sum != sb.SHA256 {
		return fmt.Errorf("briefing %d document does not match its SHA-256 (%s, stored %s)", sb.ID, sum, sb.SHA256)
	}
	if err := s.store.Audit(c.Request().Context(), watch.AuditEntry{Actor: u.Name, Action: "briefing_export",
		Target: fmt.Sprintf("briefing:%d", sb.ID), Detail: "sha256=" + sb.SHA256}); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="briefing-%s-v%d.html"`, sb.Operation, sb.Version))
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", doc)
}

type notePage struct {
	Op   watch.Operation
	Note watch.BriefingNote
}

// briefingNote shows and saves an operation's summary and recommendations.
func (s *Server) briefingNote(c echo.Context) error {
	op, ok := s.reg.Get(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such operation.")
	}
	ctx := c.Request().Context()
	if c.Request().Method == http.MethodPost {
		summary, recs := strings.TrimSpace(c.FormValue("summary")), strings.TrimSpace(c.FormValue("recommendations"))
		if utf8.RuneCountInString(summary) > 10000 || utf8.RuneCountInString(recs) > 10000 {
			return echo.NewHTTPError(http.StatusBadRequest, "A summary or recommendations may have at most 10000 characters.")
		}
		u, _ := userFrom(c)
		if _, err := s.store.SaveBriefingNote(ctx, watch.BriefingNote{Operation: op.ID, Summary: summary, Recommendations: recs, Author: u.Name}); err != nil {
			return err
		}
		return c.Redirect(http.StatusSeeOther, "/briefings")
	}
	n, err := s.store.BriefingNoteOf(ctx, op.ID)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "note.html", page{Title: "Summary: " + op.Name, Note: notePage{Op: op, Note: n}})
}
