package ui

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type sourceView struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	Cadence    string    `json:"cadence,omitempty"`
	CadenceWhy string    `json:"cadence_why,omitempty"`
	NextRun    time.Time `json:"next_run,omitzero"`
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
		v := sourceView{ID: src.ID, Name: src.Name, Kind: src.Kind, SourceHealth: h}
		if s.opts.Cadence != nil {
			v.Cadence, v.CadenceWhy, v.NextRun = s.opts.Cadence(src.ID, s.opts.Now())
		}
		out = append(out, v)
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
