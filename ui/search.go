package ui

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// search answers a board's full-text search over stored items; a search
// of collected content is audited like any other viewing of it.
func (s *Server) search(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.viewBoard(c, id); err != nil {
		return err
	}
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 200 {
		return echo.NewHTTPError(http.StatusBadRequest, "A search may have at most 200 characters.")
	}
	ctx := c.Request().Context()
	u, _ := userFrom(c)
	if err := s.store.Audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "search", Target: "board:" + id, Detail: "q=" + q}); err != nil {
		return err
	}
	hits, err := s.store.Search(ctx, id, q, 100)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, hits)
}
