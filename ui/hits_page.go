package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// maxHitsPage is the most hits one page of older hits holds.
const maxHitsPage = 200

// hitsPage answers GET /api/boards/<id>/hits?before=<hit id>&limit=<n>:
// the board's hits older than the given hit, newest first. A board pages
// down from the oldest hit it holds; the live stream brings newer ones.
func (s *Server) hitsPage(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.viewBoard(c, id); err != nil {
		return err
	}
	before, err := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	if err != nil || before <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "before must be a hit id.")
	}
	limit := 100
	if l := c.QueryParam("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit <= 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "limit must be a positive number.")
		}
	}
	limit = min(limit, maxHitsPage)
	hits, err := s.store.HitsBefore(c.Request().Context(), id, before, limit)
	if err != nil {
		return err
	}
	if err := s.consulted(c, actBoardHits, "board:"+id, "before="+strconv.FormatInt(before, 10)+" "+idList(hitIDs(hits))); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"hits": hits, "more": len(hits) == limit})
}
