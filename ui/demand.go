package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/charts"
	"github.com/watchroom/watchroom/watch/tasking"
)

// demandView is the demand figures as the pages show them.
type demandView struct {
	D                           tasking.Demand
	From, To                    string // the filter as typed (dates)
	Team, Type                  string
	Query                       string // the filter as a query string, for the charts and the export
	Period                      string // what the figures cover, in words
	ByType, ByProduct, Declined []tasking.Count
	Weeks                       []demandWeek
	Triage, Complete            durationRow
	Quarter, PrevQ, NextQ       string
	Notes                       []noteRow
	Transparency                bool
	Generated                   string
	Tables                      struct{ Type, Team, Product, Urgency, Grading, Declined countTable }
}

// setQuery writes the filter as a query string, for the charts and the
// export.
func (v *demandView) setQuery() {
	q := url.Values{"from": {v.From}, "to": {v.To}}
	if v.Team != "" {
		q.Set("team", v.Team)
	}
	if v.Type != "" {
		q.Set("type", v.Type)
	}
	v.Query = q.Encode()
}

// countTable is a breakdown as a table under its chart.
type countTable struct {
	ID, Head, Unit string
	Rows           []tasking.Count
}

type demandWeek struct {
	Start string
	tasking.Week
}

type durationRow struct {
	N           int
	Median, P90 string
}

type noteRow struct {
	Ref, Type, Team, Completed, Grading, Note string
	Intelligence, Delivered                   int
}

// hours writes a duration the way the hub speaks of it.
func hours(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()+0.5))
	case d < 72*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

func durations(d tasking.Durations) durationRow {
	return durationRow{N: d.N, Median: hours(d.Median), P90: hours(d.P90)}
}

// demandFilter reads the filter: dates from and to (inclusive, in the
// console's zone), team and type. By default the twelve weeks to today.
func (s *Server) demandFilter(c echo.Context) (tasking.Filter, *demandView, error) {
	loc, now := s.opts.Location, s.opts.Now()
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	f := tasking.Filter{From: today.AddDate(0, 0, -7*12+1), To: today.AddDate(0, 0, 1), Team: c.QueryParam("team"), Type: c.QueryParam("type")}
	if v := c.QueryParam("from"); v != "" {
		t, err := time.ParseInLocation(formDate, v, loc)
		if err != nil {
			return f, nil, echo.NewHTTPError(http.StatusBadRequest, "From: a date such as 2026-07-01.")
		}
		f.From = t
	}
	if v := c.QueryParam("to"); v != "" {
		t, err := time.ParseInLocation(formDate, v, loc)
		if err != nil {
			return f, nil, echo.NewHTTPError(http.StatusBadRequest, "To: a date such as 2026-09-30.")
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if !f.To.After(f.From) || f.To.Sub(f.From) > 5*366*24*time.Hour {
		return f, nil, echo.NewHTTPError(http.StatusBadRequest, "The period must end after it starts, and span at most five years.")
	}
	v := &demandView{From: f.From.Format(formDate), To: f.To.AddDate(0, 0, -1).Format(formDate), Team: f.Team, Type: f.Type}
	v.setQuery()
	v.Period = s.day(f.From) + " to " + s.day(f.To.AddDate(0, 0, -1))
	return f, v, nil
}

// figures computes the demand for a filter over every stored request.
func (s *Server) figures(c echo.Context, f tasking.Filter, v *demandView) error {
	now := s.opts.Now()
	if err := s.store.DemandRows(c.Request().Context(), func(rows []tasking.Row) {
		v.D = tasking.Compute(rows, f, now, s.opts.Location)
	}); err != nil {
		return err
	}
	cfg := s.opts.Tasking
	v.ByType = relabel(v.D.ByType, cfg.TypeName)
	v.ByProduct = relabel(v.D.ByProduct, productName)
	v.Declined = relabel(v.D.DeclinedBy, reasonName)
	v.Triage, v.Complete = durations(v.D.TimeToTriage), durations(v.D.TimeToComplete)
	for _, w := range v.D.Weeks {
		v.Weeks = append(v.Weeks, demandWeek{Start: w.Start.In(s.opts.Location).Format("2 Jan 2006"), Week: w})
	}
	v.Generated = s.reqWhen(now)
	t := &v.Tables
	t.Type = countTable{"by-type", "Type", "Requests", v.ByType}
	t.Team = countTable{"by-team", "Team", "Requests", v.D.ByTeam}
	t.Product = countTable{"by-product", "Kind", "Linked", v.ByProduct}
	t.Urgency = countTable{"by-urgency", "Urgency", "Requests", v.D.ByUrgency}
	t.Grading = countTable{"by-grading", "Grading (source/intelligence/handling)", "Reports", v.D.ByGrading}
	t.Declined = countTable{"by-reason", "Reason", "Requests", v.Declined}
	return nil
}

func relabel(cs []tasking.Count, name func(string) string) []tasking.Count {
	out := make([]tasking.Count, len(cs))
	for i, c := range cs {
		out[i] = tasking.Count{Label: name(c.Label), N: c.N}
	}
	return out
}

func productName(k string) string {
	switch k {
	case "report":
		return "intelligence report (versions)"
	case "watchlist":
		return "watch list"
	}
	return k
}

func reasonName(r string) string { return strings.ReplaceAll(r, "_", " ") }

// demandPage is the demand analysis for supervisors and analysts.
func (s *Server) demandPage(c echo.Context) error {
	f, v, err := s.demandFilter(c)
	if err != nil {
		return err
	}
	if err := s.figures(c, f, v); err != nil {
		return err
	}
	_, _, label := tasking.Quarter(s.opts.Now(), s.opts.Location)
	v.Quarter = label
	return s.renderTasking(c, http.StatusOK, "demand.html", "Demand", taskingPage{Demand: v})
}

// demandJSON is the demand page's charts: go-echarts options, rendered by
// demand.js (no inline script under the CSP).
func (s *Server) demandJSON(c echo.Context) error {
	f, v, err := s.demandFilter(c)
	if err != nil {
		return err
	}
	if err := s.figures(c, f, v); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, demandCharts(v))
}

func demandCharts(v *demandView) map[string]any {
	cc := func(cs []tasking.Count) []charts.Counted {
		out := make([]charts.Counted, len(cs))
		for i, c := range cs {
			out[i] = charts.Counted{Label: c.Label, N: c.N}
		}
		return out
	}
	labels := make([]string, len(v.Weeks))
	var rec, acc, comp, backlog []int
	for i, w := range v.Weeks {
		labels[i] = w.Start
		rec, acc, comp, backlog = append(rec, w.Received), append(acc, w.Accepted), append(comp, w.Completed), append(backlog, w.Backlog)
	}
	out := map[string]any{
		"chart-type":       charts.Counts("Requests received by type", cc(v.ByType)),
		"chart-throughput": charts.Weekly("Throughput per week", labels, []charts.Series{{Name: "received", Values: rec}, {Name: "accepted", Values: acc}, {Name: "completed", Values: comp}}),
		"chart-backlog":    charts.Weekly("Backlog at the end of each week", labels, []charts.Series{{Name: "open requests", Values: backlog, Line: true}}),
		"chart-declined":   charts.Counts("Declined, by reason", cc(v.Declined)),
		"chart-grading":    charts.Counts("Intelligence reports by grading", cc(v.D.ByGrading)),
	}
	if !v.Transparency {
		out["chart-team"] = charts.Counts("Requests received by commissioning team", cc(v.D.ByTeam))
		out["chart-product"] = charts.Counts("Products requested, by kind", cc(v.ByProduct))
	}
	return out
}
