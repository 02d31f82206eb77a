package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type sourceView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	watch.SourceHealth
}

// sources lists every configured source with its health.
func (s *Server) sources(c echo.Context) error {
	out := make([]sourceView, 0, len(s.opts.Sources))
	for _, src := range s.opts.Sources {
		h, err := s.store.SourceHealth(c.Request().Context(), src.ID)
		if err != nil {
			return err
		}
		out = append(out, sourceView{ID: src.ID, Name: src.Name, Kind: src.Kind, SourceHealth: h})
	}
	return c.JSON(http.StatusOK, out)
}

// pollNow polls a source at once (analysts), audited.
func (s *Server) pollNow(c echo.Context) error {
	id := c.Param("id")
	found := false
	for _, src := range s.opts.Sources {
		found = found || src.ID == id
	}
	if !found {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such source.")
	}
	u, _ := userFrom(c)
	ctx := c.Request().Context()
	if err := s.store.Audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "poll_now", Target: "source:" + id}); err != nil {
		return err
	}
	err := s.opts.PollNow(ctx, id)
	if err == watch.ErrBusy {
		return echo.NewHTTPError(http.StatusConflict, "A poll of this source is already running.")
	}
	if err != nil {
		return c.JSON(http.StatusOK, map[string]string{"result": "failed", "error": err.Error()})
	}
	return c.JSON(http.StatusOK, map[string]string{"result": "ok"})
}
