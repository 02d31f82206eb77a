package ui

import (
	"net/http"
	"sort"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/charts"
	"github.com/watchroom/watchroom/watch"
)

// chart returns the board's charts as echarts options built by go-echarts:
// hits per 15 minutes by watch list over the last six hours, hits by
// source, and the terms matched in the last hour.
func (s *Server) chart(c echo.Context) error {
	id := c.Param("id")
	name, err := s.viewBoard(c, id)
	if err != nil {
		return err
	}
	st, err := s.store.Stats(c.Request().Context(), id, s.opts.Now().Add(-6*time.Hour), 15*time.Minute)
	if err != nil {
		return err
	}
	lists := make([]string, 0, len(st.ByList))
	for l := range st.ByList {
		lists = append(lists, l)
	}
	sort.Strings(lists)
	series := make([]charts.ListSeries, 0, len(lists))
	for _, l := range lists {
		series = append(series, charts.ListSeries{List: l, Counts: st.ByList[l]})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"chart":         charts.HitsByList("Hits per 15 minutes by watch list: "+name, st.Buckets, series, s.opts.Location, true),
		"chart-sources": charts.BySource("Hits by source, last 6 hours", counted(watch.TopCounts(st.BySource, 8)), true),
		"chart-terms":   charts.TopTerms("Top terms, last hour", counted(watch.TopCounts(st.TopTerms, 10)), true),
	})
}
