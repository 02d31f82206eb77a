package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// referralsOfHits returns the newest referral of each hit named in ?ids=
// (at most 200), so a board shows the referrals of the hits it loads.
// Viewers get nothing: referrals are the hub's business.
func (s *Server) referralsOfHits(c echo.Context) error {
	u, _ := userFrom(c)
	out := []map[string]any{}
	if !u.Role.AtLeast(watch.RoleOfficer) {
		return c.JSON(http.StatusOK, out)
	}
	var ids []int64
	for _, f := range strings.Split(c.QueryParam("ids"), ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil && len(ids) < 200 {
			ids = append(ids, id)
		}
	}
	rs, err := s.opts.Referrals.OfHits(c.Request().Context(), ids)
	if err != nil {
		return err
	}
	for _, r := range rs {
		out = append(out, map[string]any{"event": "loaded", "referral": r})
	}
	return c.JSON(http.StatusOK, out)
}
