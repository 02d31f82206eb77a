package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/referrals"
)

// referralForm is the new-referral form, as typed or prefilled.
type referralForm struct {
	Hit, Capture, Exhibit                    string
	Platform, URL, Category, Reference, Note string
	HitTitle                                 string
	NoCapture                                bool // refused: capture first
}

func (s *Server) referralFormPage(c echo.Context, code int, f referralForm, problem string) error {
	p := referralsPage{Platforms: s.opts.Referrals.Platforms(), Form: f, Problem: problem, CaptureReq: s.opts.Referrals.RequireCapture()}
	return s.render(c, code, "referral_new.html", page{Title: "Refer to a platform", Referrals: p})
}

// referralNew shows the form, prefilled from a hit (?hit=), a capture
// (?capture=) or an exhibit (?exhibit=).
func (s *Server) referralNew(c echo.Context) error {
	f := referralForm{Hit: c.QueryParam("hit"), Capture: c.QueryParam("capture"), Exhibit: c.QueryParam("exhibit"), URL: c.QueryParam("url")}
	if id, err := strconv.ParseInt(f.Hit, 10, 64); err == nil {
		h, err := s.store.Hit(c.Request().Context(), id)
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound, "There is no such hit.")
		}
		if f.URL == "" {
			f.URL = h.Item.URL
		}
		f.HitTitle = h.Item.Title
	}
	f.Platform = s.opts.Referrals.PlatformFor(f.URL)
	return s.referralFormPage(c, http.StatusOK, f, "")
}

func formID(v string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	return strconv.ParseInt(v, 10, 64)
}

// referralCreate makes a referral (officers and up); without a capture
// of the content it is refused, saying to capture first.
func (s *Server) referralCreate(c echo.Context) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	f := referralForm{Hit: v("hit"), Capture: v("capture"), Exhibit: v("exhibit"), Platform: v("platform"), URL: v("url"),
		Category: v("category"), Reference: v("reference"), Note: v("note"), HitTitle: v("hit_title")}
	hit, e1 := formID(f.Hit)
	capture, e2 := formID(f.Capture)
	exhibit, e3 := formID(f.Exhibit)
	if e1 != nil || e2 != nil || e3 != nil {
		return s.referralFormPage(c, http.StatusBadRequest, f, "The hit, capture and exhibit are numbers.")
	}
	if len(f.Note) > 4000 || len(f.Reference) > 500 || len(f.URL) > 4000 || len(f.Category) > 500 {
		return s.referralFormPage(c, http.StatusBadRequest, f, "A field is too long.")
	}
	u, _ := userFrom(c)
	r, err := s.opts.Referrals.Refer(c.Request().Context(), referrals.NewReferral{HitID: hit, CaptureID: capture, ExhibitID: exhibit,
		Platform: f.Platform, URL: f.URL, Category: f.Category, Reference: f.Reference, Note: f.Note, By: u.Name})
	switch {
	case errors.Is(err, referrals.ErrNoCapture):
		f.NoCapture = true
		return s.referralFormPage(c, http.StatusConflict, f,
			"Capture first: this content has no evidence capture yet, and a removal by the platform would destroy the evidence. Capture the page, then refer it.")
	case errors.Is(err, referrals.ErrInvalid), errors.Is(err, referrals.ErrNotFound):
		return s.referralFormPage(c, http.StatusBadRequest, f, strings.TrimPrefix(err.Error(), referrals.ErrInvalid.Error()+": "))
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/referrals/%d", r.ID))
}

func (s *Server) referralPage(c echo.Context, code int, id int64, problem string) error {
	r, chs, obs, err := s.opts.Referrals.Referral(c.Request().Context(), id)
	if errors.Is(err, referrals.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such referral.")
	}
	if err != nil {
		return err
	}
	p := referralsPage{Referral: s.referralRow(r), Outcomes: watch.Outcomes, Problem: problem, TimeZone: s.opts.Location.String()}
	if pl, ok := s.opts.Referrals.Platform(r.Platform); ok {
		p.Platforms = []referrals.Platform{pl}
	}
	for _, ch := range chs {
		p.Changes = append(p.Changes, referralChangeRow{C: ch, At: s.when(ch.At)})
	}
	for _, o := range obs {
		p.Obs = append(p.Obs, referralObsRow{O: o, At: s.when(o.At)})
	}
	return s.render(c, code, "referral.html", page{Title: fmt.Sprintf("Referral %d", r.ID), Referrals: p})
}

// referralShow shows a referral, its history and the removal checks.
func (s *Server) referralShow(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such referral.")
	}
	return s.referralPage(c, http.StatusOK, id, "")
}

// referralChange records the platform's reference, the outcome, the
// category or the note (officers and up), attributed and audited.
func (s *Server) referralChange(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such referral.")
	}
	v := func(k string) *string {
		if _, ok := c.Request().PostForm[k]; !ok {
			return nil
		}
		x := strings.TrimSpace(c.FormValue(k))
		return &x
	}
	_ = c.FormValue("outcome") // parses the form
	up := referrals.Update{Outcome: v("outcome"), Reference: v("reference"), Category: v("category"), Note: v("note")}
	for _, f := range []*string{up.Reference, up.Note, up.Category} {
		if f != nil && len(*f) > 4000 {
			return s.referralPage(c, http.StatusBadRequest, id, "A field is too long.")
		}
	}
	u, _ := userFrom(c)
	_, err = s.opts.Referrals.Change(c.Request().Context(), id, up, u.Name)
	switch {
	case errors.Is(err, referrals.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such referral.")
	case errors.Is(err, referrals.ErrInvalid):
		return s.referralPage(c, http.StatusBadRequest, id, strings.TrimPrefix(err.Error(), referrals.ErrInvalid.Error()+": "))
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/referrals/%d", id))
}
