package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type sourceView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Kind        string    `json:"kind"`
	Cadence     string    `json:"cadence,omitempty"`
	CadenceWhy  string    `json:"cadence_why,omitempty"`
	NextRun     time.Time `json:"next_run,omitzero"`
	Polls24h    int       `json:"polls_24h"`
	Share304    float64   `json:"share_304"`
	NewItems24h int       `json:"new_items_24h"`
	watch.SourceHealth
}

type sourcesReply struct {
	Epoch   string       `json:"epoch"`
	Head    int64        `json:"head"`
	Sources []sourceView `json:"sources"`
}

// sources lists every configured source with its health, its cadence and
// its last 24 hours of polling, and the timeline position they reflect.
func (s *Server) sources(c echo.Context) error {
	ctx := c.Request().Context()
	head, err := s.store.Head(ctx)
	if err != nil {
		return err
	}
	now := s.opts.Now()
	stats, err := s.store.PollStatsSince(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	out := sourcesReply{Epoch: s.store.Epoch(), Head: head, Sources: make([]sourceView, 0, len(s.opts.Sources))}
	for _, src := range s.opts.Sources {
		h, err := s.store.SourceHealth(ctx, src.ID)
		if err != nil {
			return err
		}
		v := sourceView{ID: src.ID, Name: src.Name, Kind: src.Kind, SourceHealth: h}
		if s.opts.Cadence != nil {
			v.Cadence, v.CadenceWhy, v.NextRun = s.opts.Cadence(src.ID, now)
		}
		st := stats[src.ID]
		v.Polls24h, v.NewItems24h = st.Polls, st.NewItems
		if st.Polls > 0 {
			v.Share304 = float64(st.NotModified) / float64(st.Polls)
		}
		out.Sources = append(out.Sources, v)
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) knownSource(id string) bool {
	for _, src := range s.opts.Sources {
		if src.ID == id {
			return true
		}
	}
	return false
}

// sourceAction pauses, resumes or polls a source now (analysts), audited.
func (s *Server) sourceAction(c echo.Context) error {
	id := c.Param("id")
	if !s.knownSource(id) {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such source.")
	}
	u, _ := userFrom(c)
	ctx := c.Request().Context()
	switch c.Param("action") {
	case "pause", "resume":
		h, err := s.store.SetSourcePaused(ctx, id, c.Param("action") == "pause", u.Name)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, h)
	case "poll":
		if s.opts.PollNow == nil {
			return echo.NewHTTPError(http.StatusNotFound, "Polling on demand is not available.")
		}
		if err := s.store.Audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "poll_now", Target: "source:" + id}); err != nil {
			return err
		}
		err := s.opts.PollNow(ctx, id)
		if errors.Is(err, watch.ErrBusy) {
			return echo.NewHTTPError(http.StatusConflict, "A poll of this source is already running.")
		}
		if err != nil {
			return c.JSON(http.StatusOK, map[string]string{"result": "failed", "error": err.Error()})
		}
		return c.JSON(http.StatusOK, map[string]string{"result": "ok"})
	}
	return echo.NewHTTPError(http.StatusNotFound, "No such action.")
}

// sourcesPage is the source health board (analysts).
func (s *Server) sourcesPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "sources.html", page{Title: "Sources"})
}
