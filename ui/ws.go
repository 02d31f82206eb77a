package ui

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
)

// checkOrigin accepts only a browser origin that is this server itself (the
// Host it was reached by) or one configured as the public base URL.
func (s *Server) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, o := range s.opts.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(o, "/"), origin) {
			return true
		}
	}
	return false
}

// websocket streams a board's timeline: GET /ws?board=ID&after=SEQ&epoch=E.
func (s *Server) websocket(c echo.Context) error {
	board := c.QueryParam("board")
	if board == "" {
		board = "all"
	}
	u, _ := userFrom(c)
	if watch.IsTaskingBoard(board) {
		// a requester's board is theirs alone; the hub's is the hub's
		if s.opts.Tasking == nil || !mayFollowTaskingBoard(u, board) {
			return echo.NewHTTPError(http.StatusForbidden, "You may not follow this board.")
		}
	} else if !u.Role.AtLeast(watch.RoleViewer) {
		return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
	} else if _, err := s.viewBoard(c, board); err != nil {
		return err
	}
	// who hears of every claim: those who read every board; a viewer
	// confined to a team, and a tasking board, only of claims on hits of
	// the board they follow (none on a tasking board)
	_, confined := teamOf(u)
	confined = confined || watch.IsTaskingBoard(board) || !u.Role.AtLeast(watch.RoleViewer)
	var after int64
	if v := c.QueryParam("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return echo.NewHTTPError(http.StatusBadRequest, "after must be a sequence number.")
		}
		after = n
	}
	s.hub.Serve(c.Response(), c.Request(), s.up, live.Position{Board: board, After: after, Epoch: c.QueryParam("epoch"),
		Viewer: live.Viewer{Name: u.Name, Role: string(u.Role), Team: u.Team, Session: sessionOf(c), Confined: confined}})
	return nil
}

func sessionOf(c echo.Context) string {
	h, _ := c.Get("session").(string)
	return h
}

// CloseEndedSessions closes the live board connections whose session has
// ended (expired, idle past its role's timeout, revoked, signed out, its
// account disabled or deleted, a new password to choose) or whose person's
// role or team changed since they connected: access taken away reaches an
// open board at once, not at the page's next check. The app runs it every
// few seconds (the command line changes accounts from another process);
// the accounts page runs it after each change.
func (s *Server) CloseEndedSessions(ctx context.Context) int {
	now := s.opts.Now()
	return s.hub.CloseEnded(func(v live.Viewer) bool {
		ses, err := s.store.SessionByToken(ctx, v.Session)
		if err != nil {
			return errors.Is(err, context.Canceled) // a store error closes; a cancelled check keeps
		}
		u := ses.User
		return now.Before(ses.Expires) && now.Sub(ses.LastSeen) < s.idleFor(u.Role) && !u.MustChange &&
			string(u.Role) == v.Role && u.Team == v.Team
	})
}
