package ui

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/tasking"
)

// quarter reads ?q=2026-Q3 (default: the quarter holding today) and the
// team and type filters.
func (s *Server) quarter(c echo.Context) (tasking.Filter, *demandView, error) {
	loc := s.opts.Location
	from, to, label := tasking.Quarter(s.opts.Now(), loc)
	if q := c.QueryParam("q"); q != "" {
		var ok bool
		if from, to, label, ok = tasking.ParseQuarter(q, loc); !ok {
			return tasking.Filter{}, nil, echo.NewHTTPError(http.StatusBadRequest, "A quarter such as 2026-Q3.")
		}
	}
	f := tasking.Filter{From: from, To: to, Team: c.QueryParam("team"), Type: c.QueryParam("type")}
	v := &demandView{From: from.Format(formDate), To: to.AddDate(0, 0, -1).Format(formDate), Team: f.Team, Type: f.Type, Quarter: label}
	qname := func(t tasking.Filter) string {
		return t.From.Format("2006") + "-Q" + strconv.Itoa((int(t.From.Month())-1)/3+1)
	}
	prevFrom := from.AddDate(0, -3, 0)
	v.PrevQ, v.NextQ = qname(tasking.Filter{From: prevFrom}), qname(tasking.Filter{From: to})
	v.Period = label
	v.setQuery()
	return f, v, nil
}

// demandReport is the printable quarterly report: the figures, with the
// qualitative notes of what was completed.
func (s *Server) demandReport(c echo.Context) error {
	f, v, err := s.quarter(c)
	if err != nil {
		return err
	}
	if err := s.figures(c, f, v); err != nil {
		return err
	}
	done, err := s.store.OutcomeNotes(c.Request().Context(), f.From, f.To)
	if err != nil {
		return err
	}
	for _, r := range done {
		if (f.Team != "" && r.Team != f.Team) || (f.Type != "" && r.Type != f.Type) {
			continue
		}
		v.Notes = append(v.Notes, noteRow{Ref: r.Ref(), Type: s.opts.Tasking.TypeName(r.Type), Team: r.Team, Completed: s.day(r.Completed),
			Grading: r.Outcome.Grading.String(), Note: r.Outcome.Note, Intelligence: r.Outcome.Intelligence, Delivered: r.Outcome.Delivered})
	}
	return s.renderTasking(c, http.StatusOK, "demand_report.html", "Quarterly report "+v.Quarter, taskingPage{Demand: v})
}

// demandTransparency is the summary for the independent advisory group:
// the same figures with no personal data, no free text and no team.
func (s *Server) demandTransparency(c echo.Context) error {
	f, v, err := s.quarter(c)
	if err != nil {
		return err
	}
	f.Team, v.Team = "", ""
	v.Query = url.Values{"from": {v.From}, "to": {v.To}, "type": {f.Type}}.Encode()
	if err := s.figures(c, f, v); err != nil {
		return err
	}
	v.Transparency = true
	return s.renderTasking(c, http.StatusOK, "demand_report.html", "Transparency summary "+v.Quarter, taskingPage{Demand: v})
}

func hoursNum(d time.Duration) string { return strconv.FormatFloat(d.Hours(), 'f', 2, 64) }

// csvCell keeps a cell from being read as a formula by a spreadsheet.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// demandCSV exports the figures of the demand page's filter.
func (s *Server) demandCSV(c echo.Context) error {
	f, v, err := s.demandFilter(c)
	if err != nil {
		return err
	}
	if err := s.figures(c, f, v); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="demand-`+v.From+`-to-`+v.To+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	row := func(section, label string, vals ...string) {
		for len(vals) < 4 {
			vals = append(vals, "") // every record has the header's six fields
		}
		_ = w.Write(append([]string{section, csvCell(label)}, vals...))
	}
	n := strconv.Itoa
	d := v.D
	_ = w.Write([]string{"section", "label", "value", "accepted", "completed", "backlog"})
	row("filter", "from", v.From)
	row("filter", "to", v.To)
	row("filter", "team", v.Team)
	row("filter", "type", v.Type)
	for _, x := range [][2]string{{"received", n(d.Received)}, {"of those accepted", n(d.Accepted)}, {"of those completed", n(d.Closed)},
		{"of those declined", n(d.Declined)}, {"of those merged", n(d.Merged)}, {"of those still open", n(d.StillOpen)},
		{"of those reopened", n(d.Reopened)}, {"accepted in the period", n(d.AcceptedIn)}, {"completed in the period", n(d.CompletedIn)},
		{"intelligence reports", n(d.Intelligence)}, {"products delivered", n(d.Delivered)}, {"backlog at start", n(d.BacklogStart)},
		{"backlog at end", n(d.BacklogEnd)}} {
		row("summary", x[0], x[1])
	}
	row("time to triage (hours)", "median", hoursNum(d.TimeToTriage.Median))
	row("time to triage (hours)", "90th percentile", hoursNum(d.TimeToTriage.P90))
	row("time to complete (hours)", "median", hoursNum(d.TimeToComplete.Median))
	row("time to complete (hours)", "90th percentile", hoursNum(d.TimeToComplete.P90))
	for _, set := range []struct {
		name string
		cs   []tasking.Count
	}{{"by type", v.ByType}, {"by team", d.ByTeam}, {"by urgency", d.ByUrgency}, {"by product", v.ByProduct},
		{"declined by reason", v.Declined}, {"intelligence by grading", d.ByGrading}} {
		for _, x := range set.cs {
			row(set.name, x.Label, n(x.N))
		}
	}
	for _, wk := range d.Weeks {
		row("week", wk.Start.In(s.opts.Location).Format(formDate), n(wk.Received), n(wk.Accepted), n(wk.Completed), n(wk.Backlog))
	}
	w.Flush()
	return w.Error()
}
