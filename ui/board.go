package ui

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type boardLink struct {
	ID, Name string
	Current  bool
}

type boardPage struct {
	Severities  string // JSON: watch list id -> severity, for the severity filter
	ID, Name    string
	Epoch       string
	TimeZone    string
	CanAnnotate bool
	CanCapture  bool   // may capture a hit as evidence
	Me          string // the signed-in user's name: their own claims show as theirs
	Boards      []boardLink
	Head        boardHead
	// Rotate is the wall's seconds on this board before it moves to Next
	// (0: it stays).
	Rotate int
	Next   string
}

// boardName returns a board's display name, or false if there is no such board.
func (s *Server) boardName(id string) (string, bool) {
	if id == watch.BoardAll {
		return "All operations", true
	}
	op, ok := s.reg.Get(id)
	return op.Name, ok
}

func (s *Server) board(c echo.Context) error {
	id := c.Param("id")
	name, err := s.viewBoard(c, id)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	var links []boardLink
	if s.mayViewBoard(u, watch.BoardAll) {
		links = append(links, boardLink{ID: watch.BoardAll, Name: "All operations", Current: id == watch.BoardAll})
	}
	for _, op := range s.reg.All() {
		if s.mayViewBoard(u, op.ID) {
			links = append(links, boardLink{ID: op.ID, Name: op.Name, Current: op.ID == id})
		}
	}
	sevJSON, _ := json.Marshal(s.listSeverities())
	bp := boardPage{
		ID: id, Name: name, Epoch: s.store.Epoch(), Severities: string(sevJSON), TimeZone: s.opts.Location.String(),
		CanAnnotate: u.Role.AtLeast(watch.RoleOfficer), Me: u.Name, Boards: links,
		CanCapture: s.opts.Evidence != nil && u.Role.AtLeast(watch.RoleAnalyst),
		Head:       s.boardHead(id),
	}
	wall := c.QueryParam("wall") == "1"
	if wall && s.opts.Wall.Rotate > 0 && len(links) > 1 {
		bp.Rotate = int(s.opts.Wall.Rotate.Seconds())
		for i, l := range links {
			if l.Current {
				bp.Next = links[(i+1)%len(links)].ID
			}
		}
	}
	if err := s.consulted(c, actBoardView, "board:"+id, ""); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "board.html", page{Title: name, Wall: wall, Board: bp})
}

// snapshot is what a board loads before it goes live.
func (s *Server) snapshot(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.viewBoard(c, id); err != nil {
		return err
	}
	snap, err := s.store.BoardSnapshot(c.Request().Context(), id, 200)
	if err != nil {
		return err
	}
	if err := s.consulted(c, actBoardSnapshot, "board:"+id, "head="+strconv.FormatInt(snap.Head, 10)+" "+idList(hitIDs(snap.Hits))); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, snap)
}

// listSeverities maps every watch list, active or not, to its severity.
func (s *Server) listSeverities() map[string]string {
	sev := map[string]string{}
	for _, e := range s.lists.Entries() {
		sev[e.List.ID] = e.List.Severity
	}
	return sev
}

// severities lets an open board learn the severity of a list made or
// changed after it loaded, for its severity filter.
func (s *Server) severities(c echo.Context) error {
	return c.JSON(http.StatusOK, s.listSeverities())
}
