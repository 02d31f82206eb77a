package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
)

func hitParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, "The hit id is not valid.")
	}
	return id, nil
}

// claim marks a hit as being worked on by the signed-in officer (a soft
// claim: others still may annotate). Every board gets the new list of
// claims; the claim is audited.
func (s *Server) claim(c echo.Context) error {
	id, err := hitParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	h, err := s.store.Hit(ctx, id)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	cl, err := s.hub.Claim(ctx, id, h.Operations, live.Viewer{Name: u.Name, Role: string(u.Role)})
	switch {
	case errors.Is(err, live.ErrClaimed):
		return echo.NewHTTPError(http.StatusConflict, "Already claimed by "+cl.Name+".")
	case errors.Is(err, live.ErrTooManyClaims):
		return echo.NewHTTPError(http.StatusConflict, "You hold too many claims: release one first.")
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

// release ends the signed-in officer's claim on a hit.
func (s *Server) release(c echo.Context) error {
	id, err := hitParam(c)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	err = s.hub.Release(c.Request().Context(), id, u.Name, live.ReleaseDone)
	if errors.Is(err, live.ErrNotClaimed) {
		return echo.NewHTTPError(http.StatusConflict, "You hold no claim on this hit.")
	}
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// claims lists the current claims.
func (s *Server) claims(c echo.Context) error {
	claims := s.hub.Claims()
	u, _ := userFrom(c)
	if _, confined := teamOf(u); !confined {
		return c.JSON(http.StatusOK, map[string]any{"claims": claims})
	}
	// a viewer confined to a team learns of claims on their team's hits
	// only: a claim knows its hit's operations
	kept := []live.Claim{}
	for _, cl := range claims {
		if slices.ContainsFunc(cl.Operations(), func(op string) bool { return s.mayViewBoard(u, op) }) {
			kept = append(kept, cl)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"claims": kept})
}

// releaseOnAnnotate ends the author's claim once the hit is dealt with: an
// annotation of any kind but a note (acknowledged, flagged, escalated, not
// relevant). A note is work in progress and keeps the claim.
func (s *Server) releaseOnAnnotate(c echo.Context, hitID int64, name, kind string) {
	if kind == watch.AnnotationNote {
		return
	}
	err := s.hub.Release(c.Request().Context(), hitID, name, live.ReleaseAnnotated)
	if err != nil && !errors.Is(err, live.ErrNotClaimed) {
		s.log.Error("release claim", "hit", hitID, "err", err)
	}
}
