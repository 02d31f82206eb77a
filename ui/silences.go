package ui

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
)

type silenceRow struct {
	S          alerts.SilenceView
	Start, End string
	Matchers   string
}

type silencesPage struct {
	Rows     []silenceRow
	Problem  string
	TimeZone string
	Ops      []watch.Operation
	Sources  []watch.Source
	Kinds    []string
	// the form, as typed or prefilled from an alert
	Rule, Operation, Kind, Source, Author, Start, For, Reason string
}

func (s *Server) silenceRoutes(a *echo.Group) {
	officer := requireRole(watch.RoleOfficer)
	a.GET("/silences", s.silences, officer)
	a.POST("/silences", s.addSilence, officer)
	a.POST("/silences/:id/expire", s.expireSilence, officer)
}

func (s *Server) silencesPage(c echo.Context, code int, p silencesPage) error {
	loc := s.opts.Location
	t := func(x time.Time) string { return formatTime(x, loc) }
	p.Rows = nil
	for _, v := range s.opts.Alerts.Silences() {
		var ms []string
		for _, k := range alerts.SilenceMatcherKeys {
			if val, ok := v.Matchers[k]; ok {
				ms = append(ms, k+"="+val)
			}
		}
		p.Rows = append(p.Rows, silenceRow{S: v, Start: t(v.Start), End: t(v.End), Matchers: strings.Join(ms, ", ")})
	}
	p.TimeZone, p.Ops, p.Sources = loc.String(), s.reg.All(), s.opts.Sources
	p.Kinds = []string{"severity", "count", "spike", "new_author", "place_date", "source_failing", "referral_overdue"}
	return s.render(c, code, "silences.html", page{Title: "Silences", Silences: p})
}

// silences lists every silence with its state now, and the form to add one
// (prefilled from an alert's rule and operation).
func (s *Server) silences(c echo.Context) error {
	return s.silencesPage(c, http.StatusOK, silencesPage{Rule: c.QueryParam("rule"), Operation: c.QueryParam("operation"),
		Kind: c.QueryParam("kind"), Source: c.QueryParam("source"), Author: c.QueryParam("author"), For: "2h"})
}

// addSilence adds a silence from the form (officers and up), audited.
func (s *Server) addSilence(c echo.Context) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	p := silencesPage{Rule: v("rule"), Operation: v("operation"), Kind: v("kind"), Source: v("source"), Author: v("author"),
		Start: v("start"), For: v("for"), Reason: v("reason")}
	fail := func(msg string) error {
		p.Problem = msg
		return s.silencesPage(c, http.StatusBadRequest, p)
	}
	m := map[string]string{}
	for k, val := range map[string]string{"rule": p.Rule, "operation": p.Operation, "kind": p.Kind, "source": p.Source, "author": p.Author} {
		if val != "" {
			if utf8.RuneCountInString(val) > 500 {
				return fail("A matcher may have at most 500 characters.")
			}
			m[k] = val
		}
	}
	if len(m) == 0 {
		return fail("Give at least one matcher: a silence that matches everything is refused.")
	}
	if p.Reason == "" || utf8.RuneCountInString(p.Reason) > 1000 {
		return fail("Give a reason (at most 1000 characters).")
	}
	start := s.opts.Now()
	if p.Start != "" {
		t, err := time.ParseInLocation(formTime, p.Start, s.opts.Location)
		if err != nil {
			return fail("The start is not a date and time such as 2026-08-29T10:00.")
		}
		if why := s.dateProblem(t); why != "" {
			return fail("The start must be " + why + ".")
		}
		start = t
	}
	d, err := time.ParseDuration(p.For)
	if err != nil || d <= 0 || d > 14*24*time.Hour {
		return fail("How long: a duration such as 30m or 2h, at most 336h.")
	}
	if start.Add(d).UTC().Year() > 9999 {
		return fail("The silence would end after the year 9999: give an earlier start.")
	}
	u, _ := userFrom(c)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	sl := alerts.Silence{ID: "web-" + hex.EncodeToString(b), Matchers: m, Start: start, End: start.Add(d), Reason: p.Reason, Author: u.Name, Origin: "web"}
	if err := s.opts.Alerts.AddSilence(c.Request().Context(), sl, u.Name); err != nil {
		if errors.Is(err, alerts.ErrBadRule) {
			return fail("The silence is not valid: " + err.Error())
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/silences")
}

// expireSilence ends a silence now (officers and up), audited.
func (s *Server) expireSilence(c echo.Context) error {
	u, _ := userFrom(c)
	err := s.opts.Alerts.ExpireSilence(c.Request().Context(), c.Param("id"), u.Name)
	if errors.Is(err, alerts.ErrNoSilence) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such silence in force or to come.")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/silences")
}
