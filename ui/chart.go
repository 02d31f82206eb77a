package ui

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/charts"
)

// chart returns the board's hits-per-bucket chart as echarts options:
// the last six hours in 15-minute buckets.
func (s *Server) chart(c echo.Context) error {
	id := c.Param("id")
	name, ok := s.boardName(id)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such board.")
	}
	width := 15 * time.Minute
	counts, err := s.store.HitCounts(c.Request().Context(), id, s.opts.Now().Add(-6*time.Hour), width)
	if err != nil {
		return err
	}
	b := make([]charts.Bucket, len(counts))
	for i, x := range counts {
		b[i] = charts.Bucket{Start: x.Start, Count: x.Count}
	}
	return c.JSON(http.StatusOK, charts.HitsOverTime("Hits per 15 minutes: "+name, b, s.opts.Location, true))
}
