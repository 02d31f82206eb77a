package ui

import (
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// navLink is one entry of the console's navigation.
type navLink struct {
	Href, Label string
	Current     bool
}

// nav is the one navigation every page shows: the pages the signed-in
// person's role may open, the one they are on marked.
func (s *Server) nav(c echo.Context, u watch.User) []navLink {
	path := c.Request().URL.Path
	var out []navLink
	add := func(href, label, prefix string, ok bool) {
		if ok {
			out = append(out, navLink{Href: href, Label: label, Current: strings.HasPrefix(path, prefix)})
		}
	}
	viewer := u.Role.AtLeast(watch.RoleViewer) // a requester sees their requests only
	home := s.homeBoard(u)
	add("/board/"+home, "Boards", "/board/", viewer && home != "")
	add("/operations", "Operations", "/operations", viewer)
	add("/briefings", "Briefings", "/briefings", s.opts.Briefings != nil && viewer)
	add("/silences", "Silences", "/silences", s.opts.Alerts != nil && u.Role.AtLeast(watch.RoleOfficer))
	add("/watchlists", "Watch lists", "/watchlists", u.Role.AtLeast(watch.RoleAnalyst))
	add("/sources", "Sources", "/sources", u.Role.AtLeast(watch.RoleAnalyst))
	add("/referrals", "Referrals", "/referrals", s.opts.Referrals != nil && u.Role.AtLeast(watch.RoleOfficer))
	add("/evidence", "Evidence", "/evidence", s.opts.Evidence != nil && u.Role.AtLeast(watch.RoleOfficer))
	add("/requests", "Requests", "/requests", s.opts.Tasking != nil)
	add("/tasking", "Tasking", "/tasking", s.opts.Tasking != nil && u.Role.AtLeast(watch.RoleAnalyst))
	add("/demand", "Demand", "/demand", s.opts.Tasking != nil && u.Role.AtLeast(watch.RoleAnalyst))
	add("/retention", "Retention", "/retention", u.Role.AtLeast(watch.RoleAdmin))
	add("/admin/users", "Accounts", "/admin/users", u.Role.AtLeast(watch.RoleAdmin))
	add("/audit", "Audit log", "/audit", u.Role.AtLeast(watch.RoleAdmin))
	return out
}

// timeLayout is the one way the console writes a time, on the server and
// (time.js) in the browser alike: in the configured zone, the zone shown.
const timeLayout = "2 Jan 2006 15:04:05 MST"

// formatTime writes t in loc as every page shows a time; the zero time is
// "never".
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(loc).Format(timeLayout)
}
