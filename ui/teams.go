package ui

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// teamOf says whether a person is confined to one neighbourhood team's
// operations, and which: a viewer in a team reads only their team's
// boards, hits, searches, charts and live streams, as with briefings. The
// hub and the control room (officer and up) and viewers in no team read
// every board.
func teamOf(u watch.User) (team string, confined bool) {
	if u.Team == "" || u.Role.AtLeast(watch.RoleOfficer) {
		return "", false
	}
	return u.Team, true
}

var errOtherTeam = echo.NewHTTPError(http.StatusForbidden, "This board is another team's; you see your own team's operations only.")

// mayViewBoard says whether u may read a board: every board to those not
// confined to a team, their own team's operations' boards to the others.
func (s *Server) mayViewBoard(u watch.User, board string) bool {
	team, confined := teamOf(u)
	if !confined {
		return true
	}
	op, ok := s.reg.Get(board)
	return ok && op.Team == team
}

// viewBoard is the check every read of a board makes: 404 for no such
// board, 403 for another team's. It returns the board's name.
func (s *Server) viewBoard(c echo.Context, board string) (string, error) {
	name, ok := s.boardName(board)
	if !ok {
		return "", echo.NewHTTPError(http.StatusNotFound, "There is no such board.")
	}
	if u, _ := userFrom(c); !s.mayViewBoard(u, board) {
		return "", errOtherTeam
	}
	return name, nil
}

// mayViewHit says whether u may read a hit: one of its operations must be
// a board u may read (a hit of no operation shows only on the board of
// all operations).
func (s *Server) mayViewHit(u watch.User, h watch.HitView) bool {
	if _, confined := teamOf(u); !confined {
		return true
	}
	return slices.ContainsFunc(h.Operations, func(op string) bool { return s.mayViewBoard(u, op) })
}

// homeBoard is where a person lands: the board of all operations, or a
// team member's first own operation's board ("" when their team has none).
func (s *Server) homeBoard(u watch.User) string {
	if _, confined := teamOf(u); !confined {
		return watch.BoardAll
	}
	for _, op := range s.reg.All() {
		if s.mayViewBoard(u, op.ID) {
			return op.ID
		}
	}
	return ""
}

// home sends a person to their board, or to the operations when their
// team has none yet.
func (s *Server) home(c echo.Context) error {
	u, _ := userFrom(c)
	if b := s.homeBoard(u); b != "" {
		return c.Redirect(http.StatusSeeOther, "/board/"+b)
	}
	return c.Redirect(http.StatusSeeOther, "/operations")
}
