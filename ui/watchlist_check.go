package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch/match"
)

// maxQuery caps a watch list's query, in bytes.
const maxQuery = 8000

// queryProblem is what the editor shows under a query that does not parse.
type queryProblem struct {
	OK      bool     `json:"ok"`
	Message string   `json:"message,omitempty"`
	Pos     int      `json:"pos"`    // byte offset of the problem
	End     int      `json:"end"`    // byte offset where it ends
	Line    int      `json:"line"`   // from 1
	Column  int      `json:"column"` // in runes, from 1
	Caret   string   `json:"caret,omitempty"`
	Terms   []string `json:"terms,omitempty"`      // when it parses: the terms it looks for, as written
	Exclude []string `json:"exclusions,omitempty"` // and those it excludes
	Query   string   `json:"canonical,omitempty"`
}

// checkQueryText parses a query as the matcher will.
func checkQueryText(q string) queryProblem {
	if len(q) > maxQuery {
		return queryProblem{Message: "the query is too long: at most 8000 bytes", Pos: maxQuery, End: len(q), Line: 1, Column: 1}
	}
	parsed, err := match.Parse(q)
	var e *match.Error
	if errors.As(err, &e) {
		return queryProblem{Message: e.Error(), Pos: e.Pos, End: e.End, Line: e.Line, Column: e.Column, Caret: e.Caret(q)}
	}
	if err != nil {
		return queryProblem{Message: err.Error()}
	}
	return queryProblem{OK: true, Terms: parsed.Terms(), Exclude: parsed.Exclusions(), Query: parsed.String()}
}

// checkQuery is the editor's live syntax check: the message, where it is,
// and the line with a caret under the offending part.
func (s *Server) checkQuery(c echo.Context) error {
	var req struct {
		Query string `json:"query"`
	}
	if err := decodeJSON(c, &req, "The request"); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, checkQueryText(req.Query))
}
