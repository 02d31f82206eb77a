package ui

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type draftRow struct {
	D     watch.Draft
	Start string
}

type opRow struct {
	Op         watch.Operation
	Lists      []string // its watch lists as now linked (config and web)
	Phase      watch.Phase
	Start, End string
	NextChange string
}

type weekRow struct {
	Label string
	Days  []dayCell
}

type dayCell struct {
	Date  string
	Today bool
	Ops   []opRow
}

type operationsPage struct {
	CanEdit      bool // analysts: operations can be edited, lists link to the editor
	CanEditLists bool
	Drafts       []draftRow
	Upcoming     []opRow
	Past         []opRow
	Weeks        []weekRow
	TimeZone     string
}

// operations lists operations by start (upcoming and running first) and
// shows the next four weeks as a calendar, in the control room's time zone.
func (s *Server) operations(c echo.Context) error {
	now := s.opts.Now()
	loc := s.opts.Location
	ops := s.reg.All()
	fmtT := func(t time.Time) string { return formatTime(t, loc) }
	var p operationsPage
	p.TimeZone = loc.String()
	u, _ := userFrom(c)
	p.CanEditLists = u.Role.AtLeast(watch.RoleAnalyst)
	// a viewer confined to a team sees their team's operations only
	ops = slices.DeleteFunc(slices.Clone(ops), func(op watch.Operation) bool { return !s.mayViewBoard(u, op.ID) })
	linked := map[string][]string{}
	for _, op := range s.lists.Operations() {
		linked[op.ID] = op.WatchLists
	}
	rows := make([]opRow, 0, len(ops))
	for _, op := range ops {
		r := opRow{Op: op, Lists: linked[op.ID], Phase: op.PhaseAt(now), Start: fmtT(op.Start), End: fmtT(op.End)}
		if nc := op.NextPhaseChange(now); !nc.IsZero() {
			r.NextChange = fmtT(nc)
		}
		rows = append(rows, r)
		if r.Phase == watch.PhaseClosed {
			p.Past = append(p.Past, r)
		} else {
			p.Upcoming = append(p.Upcoming, r)
		}
	}
	// the calendar: four weeks from this week's Monday
	local := now.In(loc)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, -1)
	}
	for w := 0; w < 4; w++ {
		wk := weekRow{Label: "Week of " + monday.AddDate(0, 0, 7*w).Format("2 Jan")}
		for d := 0; d < 7; d++ {
			day := monday.AddDate(0, 0, 7*w+d)
			next := day.AddDate(0, 0, 1)
			cell := dayCell{Date: day.Format("Mon 2"), Today: !local.Before(day) && local.Before(next)}
			for _, r := range rows {
				if r.Op.Start.Before(next) && r.Op.End.After(day) {
					cell.Ops = append(cell.Ops, r)
				}
			}
			wk.Days = append(wk.Days, cell)
		}
		p.Weeks = append(p.Weeks, wk)
	}
	if u, _ := userFrom(c); s.opts.OperationEditor != nil && u.Role.AtLeast(watch.RoleAnalyst) {
		p.CanEdit = true
		ds, err := s.store.Drafts(c.Request().Context(), watch.DraftProposed, 100)
		if err != nil {
			return err
		}
		for _, d := range ds {
			r := draftRow{D: d}
			if !d.EventStart.IsZero() {
				r.Start = fmtT(d.EventStart)
			}
			p.Drafts = append(p.Drafts, r)
		}
	}
	return s.render(c, http.StatusOK, "operations.html", page{Title: "Operations", Operations: p})
}
