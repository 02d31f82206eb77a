package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/alerts"
)

// boardAlerts lists the open alerts on a board.
func (s *Server) boardAlerts(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.viewBoard(c, id); err != nil {
		return err
	}
	out, err := s.store.OpenAlerts(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

type alertRequest struct {
	Reason string `json:"reason"`
}

const noReason = "Give a reason to resolve this alert (what happened, or why it needs no action)."

// reasonError refuses a resolution for its reason, naming the field so the
// panel shows the message beside it.
func reasonError(msg string) error {
	return echo.NewHTTPError(http.StatusBadRequest, map[string]any{"error": msg, "field": "reason"})
}

// alertAction acknowledges, takes (assign to oneself and acknowledge, the
// one key press of the alert panel) or resolves an alert.
func (s *Server) alertAction(c echo.Context) error {
	fp := c.Param("fp")
	u, _ := userFrom(c)
	ctx := c.Request().Context()
	var (
		a   alerts.Alert
		err error
	)
	switch c.Param("action") {
	case "ack":
		a, err = s.opts.Alerts.Ack(ctx, fp, u.Name)
	case "take":
		if a, err = s.opts.Alerts.Assign(ctx, fp, u.Name, u.Name); err == nil && a.State == alerts.StateFiring {
			a, err = s.opts.Alerts.Ack(ctx, fp, u.Name)
		}
	case "resolve":
		var req alertRequest
		if err := decodeJSON(c, &req, "The request"); err != nil {
			return err
		}
		if len(req.Reason) > 1000 {
			return reasonError("A reason may have at most 1000 characters.")
		}
		a, err = s.opts.Alerts.Resolve(ctx, fp, u.Name, strings.TrimSpace(req.Reason))
	default:
		return echo.NewHTTPError(http.StatusNotFound, "No such action.")
	}
	switch {
	case errors.Is(err, alerts.ErrNoReason):
		// the record needs a reason: asked for next to the field, not a conflict
		return reasonError(noReason)
	case errors.Is(err, alerts.ErrNoAlert):
		return echo.NewHTTPError(http.StatusNotFound, "There is no such open alert.")
	case errors.Is(err, alerts.ErrBadState):
		return echo.NewHTTPError(http.StatusConflict, "The alert has moved on: "+err.Error())
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, a)
}

// hit returns one hit with its item and annotations (an alert's evidence).
func (s *Server) hit(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "The hit id is not valid.")
	}
	v, err := s.store.Hit(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if u, _ := userFrom(c); !s.mayViewHit(u, v) {
		return echo.NewHTTPError(http.StatusForbidden, "This hit is another team's; you see your own team's operations only.")
	}
	if err := s.consulted(c, actHitView, "hit:"+strconv.FormatInt(id, 10), "item="+strconv.FormatInt(v.ItemID, 10)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}
