package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/charts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/referrals"
)

// referralsPage is the ledger, a referral, or the form to make one.
type referralsPage struct {
	Platforms  []referrals.Platform
	Outcomes   []string
	Ops        []watch.Operation
	Filter     referralFilterForm
	Query      string // the filter as a query string, for the charts and the CSV
	Rows       []referralRow
	Figures    []figureRow
	TimeZone   string
	Problem    string
	Referral   referralRow
	Changes    []referralChangeRow
	Obs        []referralObsRow
	Form       referralForm
	CaptureReq bool
}

type referralFilterForm struct{ Platform, Outcome, Operation, From, To string }

type referralRow struct {
	R                              watch.Referral
	Platform                       string // its name
	At, OutcomeAt, Due, ObservedAt string
	Overdue                        bool
}

type figureRow struct {
	F                     referrals.Figures
	Rate, Median, StillUp string
}

type referralChangeRow struct {
	C  watch.ReferralChange
	At string
}

type referralObsRow struct {
	O  watch.ReferralObservation
	At string
}

func (s *Server) referralRoutes(a *echo.Group) {
	officer := requireRole(watch.RoleOfficer)
	a.GET("/referrals", s.referralLedger, officer)
	a.GET("/referrals.csv", s.referralCSV, officer)
	a.GET("/api/referrals/charts", s.referralCharts, officer)
	a.GET("/api/referrals/hits", s.referralsOfHits)
	a.GET("/referrals/new", s.referralNew, officer)
	a.POST("/referrals", s.referralCreate, officer)
	a.GET("/referrals/:id", s.referralShow, officer)
	a.POST("/referrals/:id", s.referralChange, officer)
}

const dayForm = "2006-01-02"

// referralFilter reads the ledger's filter from the query: platform,
// outcome, operation, and from and to as days (to included).
func (s *Server) referralFilter(c echo.Context) (watch.ReferralFilter, referralFilterForm, error) {
	ff := referralFilterForm{Platform: c.QueryParam("platform"), Outcome: c.QueryParam("outcome"), Operation: c.QueryParam("operation"),
		From: c.QueryParam("from"), To: c.QueryParam("to")}
	f := watch.ReferralFilter{Platform: ff.Platform, Outcome: ff.Outcome, Operation: ff.Operation}
	if ff.From != "" {
		t, err := time.ParseInLocation(dayForm, ff.From, s.opts.Location)
		if err != nil {
			return f, ff, fmt.Errorf("from: a day such as 2026-03-01")
		}
		f.From = t
	}
	if ff.To != "" {
		t, err := time.ParseInLocation(dayForm, ff.To, s.opts.Location)
		if err != nil {
			return f, ff, fmt.Errorf("to: a day such as 2026-03-31")
		}
		f.To = t.AddDate(0, 0, 1)
	}
	return f, ff, nil
}

func (s *Server) referralRow(r watch.Referral) referralRow {
	row := referralRow{R: r, Platform: r.Platform, At: s.when(r.At), OutcomeAt: s.when(r.OutcomeAt), Due: s.when(r.DueAt),
		ObservedAt: s.when(r.ObservedAt), Overdue: r.Overdue(s.opts.Now())}
	if p, ok := s.opts.Referrals.Platform(r.Platform); ok {
		row.Platform = p.Name
	}
	return row
}

func (s *Server) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t, s.opts.Location)
}

// days says a time to removal: in hours under two days, else in days.
func days(d time.Duration) string {
	if d < 48*time.Hour {
		return fmt.Sprintf("%.1f hours", d.Hours())
	}
	return fmt.Sprintf("%.1f days", d.Hours()/24)
}

// referralLedger shows the referrals the filter lets through and the
// figures of each platform over them.
func (s *Server) referralLedger(c echo.Context) error {
	f, ff, ferr := s.referralFilter(c)
	p := referralsPage{Filter: ff, Platforms: s.opts.Referrals.Platforms(), Outcomes: watch.Outcomes, Ops: s.reg.All(),
		TimeZone: s.opts.Location.String(), Query: c.QueryString()}
	code := http.StatusOK
	if ferr != nil {
		p.Problem, code = ferr.Error(), http.StatusBadRequest
		f = watch.ReferralFilter{}
	}
	l, err := s.opts.Referrals.Ledger(c.Request().Context(), f)
	if err != nil {
		return err
	}
	for _, r := range l.Referrals {
		p.Rows = append(p.Rows, s.referralRow(r))
	}
	for _, fg := range l.Figures {
		row := figureRow{F: fg, Rate: fmt.Sprintf("%.0f%%", fg.RemovalRate*100), Median: "–", StillUp: fmt.Sprintf("%d of %d checked", fg.StillUp, fg.Checked)}
		if fg.HasMedian {
			row.Median = days(fg.MedianToRemoval)
		}
		p.Figures = append(p.Figures, row)
	}
	return s.render(c, code, "referrals.html", page{Title: "Referrals", Referrals: p})
}

// referralCharts returns the per-platform figures as echarts options.
func (s *Server) referralCharts(c echo.Context) error {
	f, _, err := s.referralFilter(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	l, err := s.opts.Referrals.Ledger(c.Request().Context(), f)
	if err != nil {
		return err
	}
	var n, rate, median, up []charts.Value
	for _, fg := range l.Figures {
		n = append(n, charts.Value{Label: fg.Name, V: float64(fg.Referrals)})
		rate = append(rate, charts.Value{Label: fg.Name, V: float64(int(fg.RemovalRate*1000)) / 10})
		if fg.HasMedian {
			median = append(median, charts.Value{Label: fg.Name, V: float64(int(fg.MedianToRemoval.Hours()/24*10)) / 10})
		}
		up = append(up, charts.Value{Label: fg.Name, V: float64(fg.StillUp)})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"chart-referrals": charts.PlatformBars("Referrals per platform", "referrals", "#3b6ea5", n),
		"chart-rate":      charts.PlatformBars("Removal rate", "% removed", "#2f855a", rate),
		"chart-median":    charts.PlatformBars("Median time to removal", "days", "#b7791f", median),
		"chart-stillup":   charts.PlatformBars("Still up 7 days after referral", "referrals", "#c53030", up),
	})
}

// referralCSV exports the filtered ledger for a liaison meeting.
func (s *Server) referralCSV(c echo.Context) error {
	f, ff, err := s.referralFilter(c)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	l, err := s.opts.Referrals.Ledger(c.Request().Context(), f)
	if err != nil {
		return err
	}
	name := "referrals"
	if ff.Platform != "" {
		name += "-" + url.PathEscape(ff.Platform)
	}
	name += "-" + s.opts.Now().In(s.opts.Location).Format(dayForm) + ".csv"
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
	c.Response().WriteHeader(http.StatusOK)
	return referrals.WriteCSV(c.Response(), l.Referrals)
}
