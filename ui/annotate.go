package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

type annotateRequest struct {
	Kind       string   `json:"kind"`
	Team       string   `json:"team"`
	Note       string   `json:"note"`
	Tags       []string `json:"tags"`
	Supersedes int64    `json:"supersedes"`
}

const (
	maxNote = 4000
	maxTags = 20
	maxTag  = 40
)

// annotate appends an officer's annotation. It answers only once the
// annotation is durable; every board (the author's too) gets it as a
// timeline event.
func (s *Server) annotate(c echo.Context) error {
	hitID, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || hitID <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "The hit id is not valid.")
	}
	var req annotateRequest
	if err := decodeJSON(c, &req, "The annotation"); err != nil {
		return err
	}
	req.Note = strings.TrimSpace(req.Note)
	if utf8.RuneCountInString(req.Note) > maxNote {
		return echo.NewHTTPError(http.StatusBadRequest, "A note may have at most 4000 characters.")
	}
	tags := []string{}
	seen := map[string]bool{}
	for _, t := range req.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || seen[t] {
			continue
		}
		if utf8.RuneCountInString(t) > maxTag {
			return echo.NewHTTPError(http.StatusBadRequest, "A tag may have at most 40 characters.")
		}
		seen[t] = true
		tags = append(tags, t)
	}
	if len(tags) > maxTags {
		return echo.NewHTTPError(http.StatusBadRequest, "An annotation may have at most 20 tags.")
	}
	if req.Kind == "" {
		req.Kind = watch.AnnotationNote
	}
	if !slices.Contains(watch.AnnotationKinds, req.Kind) {
		return echo.NewHTTPError(http.StatusBadRequest, "Unknown kind of annotation.")
	}
	req.Team = strings.TrimSpace(req.Team)
	switch {
	case req.Kind == watch.AnnotationNote && req.Note == "" && len(tags) == 0:
		return echo.NewHTTPError(http.StatusBadRequest, "Write a note or a tag.")
	case req.Kind == watch.AnnotationEscalate && req.Team == "":
		return echo.NewHTTPError(http.StatusBadRequest, "Name the team to escalate to.")
	case req.Kind != watch.AnnotationEscalate && req.Team != "":
		return echo.NewHTTPError(http.StatusBadRequest, "Only an escalation names a team.")
	case utf8.RuneCountInString(req.Team) > 100:
		return echo.NewHTTPError(http.StatusBadRequest, "A team name may have at most 100 characters.")
	}
	u, _ := userFrom(c)
	a, err := s.store.Annotate(c.Request().Context(), watch.Annotation{
		HitID: hitID, Kind: req.Kind, Team: req.Team, Author: u.Name, Note: req.Note, Tags: tags, Supersedes: req.Supersedes})
	if err != nil {
		return err
	}
	s.releaseOnAnnotate(c, hitID, u.Name, req.Kind)
	return c.JSON(http.StatusCreated, a)
}
