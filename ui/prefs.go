package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// boardPrefs answers GET /api/prefs: the signed-in person's board
// preferences (sound and desktop notification per severity), kept on the
// server so they follow the person from one screen to another.
func (s *Server) boardPrefs(c echo.Context) error {
	u, _ := userFrom(c)
	p, err := s.store.BoardPrefs(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// setBoardPrefs answers PUT /api/prefs with the preferences as kept.
func (s *Server) setBoardPrefs(c echo.Context) error {
	u, _ := userFrom(c)
	var p watch.BoardPrefs
	if err := decodeJSON(c, &p, "The preferences"); err != nil {
		return err
	}
	if p.Sound == nil {
		p.Sound = []string{}
	}
	if p.Notify == nil {
		p.Notify = []string{}
	}
	if !p.Valid() {
		return echo.NewHTTPError(http.StatusBadRequest, "Sound and notification take the severities critical, high and routine.")
	}
	if err := s.store.SetBoardPrefs(c.Request().Context(), u.ID, p); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
