package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/source"
)

// Capturer fetches a URL an analyst pasted and records what it holds.
type Capturer interface {
	// Fetch gets the URL once through the fetcher and reads it into items.
	Fetch(ctx context.Context, rawURL string) ([]watch.Item, error)
	// Capture records one item (watch.Pipeline.Capture).
	Capture(ctx context.Context, it watch.Item) (bool, []watch.HitView, error)
}

type captureReply struct {
	Items int      `json:"items"`
	New   int      `json:"new"`
	Hits  []int64  `json:"hits"`
	Lists []string `json:"lists"`
}

// capture takes a URL and a note from an analyst: POST /api/capture with
// url and note as form values. The URL is fetched once through the same
// client as every poll (the SSRF guard refuses private addresses: the
// analyst is told the class and why), read as a feed or a page, and
// recorded under the source "manual". What matches a watch list becomes
// those hits; what matches none is kept all the same, as a hit on the
// "manual" list on the "all" board, since an analyst chose it as evidence.
// The note is an annotation by the analyst on each new hit. Audited.
func (s *Server) capture(c echo.Context) error {
	rawURL := strings.TrimSpace(c.FormValue("url"))
	note := strings.TrimSpace(c.FormValue("note"))
	if rawURL == "" {
		return echo.NewHTTPError(http.StatusBadRequest, "Paste the URL to capture.")
	}
	if utf8.RuneCountInString(note) > maxNote {
		return echo.NewHTTPError(http.StatusBadRequest, "A note may have at most 4000 characters.")
	}
	u, _ := userFrom(c)
	ctx := c.Request().Context()
	if err := s.store.Audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "capture", Target: truncateRunes(rawURL, 2048),
		Detail: truncateRunes(note, 500)}); err != nil {
		return err
	}
	items, err := s.opts.Capture.Fetch(ctx, rawURL)
	var fe *fetch.Error
	switch {
	case errors.Is(err, source.ErrBadCaptureURL):
		return echo.NewHTTPError(http.StatusBadRequest, "That is not an http or https URL.")
	case errors.As(err, &fe):
		return c.JSON(http.StatusUnprocessableEntity, map[string]string{"error": fe.Error(), "class": string(fe.Class)})
	case err != nil:
		return err
	}
	reply := captureReply{Items: len(items), Hits: []int64{}, Lists: []string{}}
	for _, it := range items {
		isNew, views, err := s.opts.Capture.Capture(ctx, it)
		if err != nil {
			return err
		}
		if !isNew {
			continue
		}
		reply.New++
		for _, v := range views {
			reply.Hits = append(reply.Hits, v.ID)
			reply.Lists = append(reply.Lists, v.ListID)
			if note == "" {
				continue
			}
			if _, err := s.store.Annotate(ctx, watch.Annotation{HitID: v.ID, Kind: watch.AnnotationNote, Author: u.Name,
				Note: note, Tags: []string{"manual"}}); err != nil {
				return err
			}
		}
	}
	if reply.New == 0 {
		return echo.NewHTTPError(http.StatusConflict, "Already captured: nothing new at that URL.")
	}
	if err := s.store.Audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "capture_recorded", Target: truncateRunes(rawURL, 2048),
		Detail: fmt.Sprintf("%d items, %d new, hits %v", reply.Items, reply.New, reply.Hits)}); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, reply)
}
