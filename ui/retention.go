package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// Retention and erasure (docs/retention.md), for admins only: what each
// retention class keeps and what is due now, the exhibits due for review,
// and erasing one item or everything stored from one author, with a
// reason, after a preview of what will go.

type retentionPage struct {
	Classes    []retentionRow
	ReviewsDue int
	Erasures   []erasureRow
	Sources    []watch.Source
	Problem    string
	Done       *erasureRow
	Preview    *store.Erasure
	// the erasure form, as typed
	Scope, Kind, ID, Source, Author, Reason string
	Suppress                                bool
	// authors kept from being collected again, and the one just lifted
	Suppressions []suppressionRow
	Lifted       string
}

type suppressionRow struct {
	store.Suppression
	When, Where string
}

type retentionRow struct {
	store.Due
	Keep, Oldest string
}

type erasureRow struct {
	store.Erasure
	When string
}

func (s *Server) retentionRoutes(a *echo.Group) {
	admin := requireRole(watch.RoleAdmin)
	a.GET("/retention", s.retention, admin)
	a.POST("/retention/erase", s.erase, admin)
	a.POST("/retention/lift", s.liftSuppression, admin)
}

// retention shows the classes, the reviews due and the erasures made.
func (s *Server) retention(c echo.Context) error {
	p := retentionPage{Scope: store.EraseItem, Kind: "hit"}
	if id, err := strconv.ParseInt(c.QueryParam("erased"), 10, 64); err == nil {
		p.Done = &erasureRow{Erasure: store.Erasure{ID: id}}
	}
	return s.retentionPage(c, http.StatusOK, p)
}

func (s *Server) retentionPage(c echo.Context, code int, p retentionPage) error {
	ctx := c.Request().Context()
	due, err := s.store.RetentionDue(ctx, s.opts.Retention)
	if err != nil {
		return err
	}
	for _, d := range due {
		r := retentionRow{Due: d, Keep: humanDuration(d.Keep), Oldest: "none stored"}
		if !d.Oldest.IsZero() {
			r.Oldest = formatTime(d.Oldest, s.opts.Location)
		}
		p.Classes = append(p.Classes, r)
	}
	if s.opts.Evidence != nil {
		reviews, err := s.opts.Evidence.Reviews(ctx)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			if r.Due {
				p.ReviewsDue++
			}
		}
	}
	list, err := s.store.Erasures(ctx, 50)
	if err != nil {
		return err
	}
	for _, e := range list {
		row := erasureRow{Erasure: e, When: formatTime(e.At, s.opts.Location)}
		if p.Done != nil && p.Done.ID == e.ID {
			p.Done = &row
		}
		p.Erasures = append(p.Erasures, row)
	}
	if p.Done != nil && p.Done.When == "" {
		p.Done = nil
	}
	sps, err := s.store.Suppressions(ctx)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		row := suppressionRow{Suppression: sp, When: formatTime(sp.At, s.opts.Location), Where: sp.Source}
		if row.Where == "" {
			row.Where = "every source"
		}
		p.Suppressions = append(p.Suppressions, row)
	}
	p.Sources = s.opts.Sources
	return s.render(c, code, "retention.html", page{Title: "Retention and erasure", Retention: p})
}

// erase previews an erasure (what would go) or, confirmed, makes it.
func (s *Server) erase(c echo.Context) error {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	p := retentionPage{Scope: v("scope"), Kind: v("kind"), ID: v("id"), Source: v("source"), Author: c.FormValue("author"), Reason: v("reason"),
		Suppress: v("suppress") == "yes"}
	fail := func(msg string) error {
		p.Problem = msg
		return s.retentionPage(c, http.StatusBadRequest, p)
	}
	u, _ := userFrom(c)
	req := store.EraseRequest{Scope: p.Scope, By: u.Name, Reason: p.Reason}
	switch p.Scope {
	case store.EraseItem:
		id, err := strconv.ParseInt(p.ID, 10, 64)
		if err != nil || id <= 0 {
			return fail("Give the number of the hit or item to erase.")
		}
		req.ItemID = id
		if p.Kind == "hit" {
			h, err := s.store.Hit(c.Request().Context(), id)
			if errors.Is(err, store.ErrNotFound) {
				return fail(fmt.Sprintf("There is no hit %d (erased, past retention, or never recorded).", id))
			}
			if err != nil {
				return err
			}
			req.ItemID = h.Item.ID
		}
	case store.EraseAuthor:
		if p.Author == "" || utf8.RuneCountInString(p.Author) > 500 {
			return fail("Give the author exactly as the board shows it (at most 500 characters).")
		}
		req.Author, req.Source, req.Suppress = p.Author, p.Source, p.Suppress
	default:
		return fail("Choose what to erase: one hit or item, or everything from one author.")
	}
	if req.Reason == "" {
		return fail("Give the reason for the erasure: it is kept with the record of it.")
	}
	if utf8.RuneCountInString(req.Reason) > 1000 {
		return fail("The reason may have at most 1,000 characters.")
	}
	if c.FormValue("confirm") != "yes" {
		pre, err := s.store.ErasePreview(c.Request().Context(), req)
		if err != nil {
			return err
		}
		if pre.Items == 0 {
			return fail("Nothing stored matches: no item would be erased.")
		}
		p.Preview = &pre
		return s.retentionPage(c, http.StatusOK, p)
	}
	e, err := s.store.Erase(c.Request().Context(), req)
	if errors.Is(err, store.ErrNothingToErase) {
		return fail("Nothing stored matches any more: no item was erased.")
	}
	if err != nil {
		return err
	}
	s.log.Info("erasure", "id", e.ID, "by", e.By, "scope", e.Scope, "items", e.Items, "hits", e.Hits)
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/retention?erased=%d", e.ID))
}

// liftSuppression lets a suppressed author's posts be collected again,
// with a reason, audited.
func (s *Server) liftSuppression(c echo.Context) error {
	target, reason := strings.TrimSpace(c.FormValue("target")), strings.TrimSpace(c.FormValue("reason"))
	p := retentionPage{Scope: store.EraseItem, Kind: "hit"}
	if reason == "" || utf8.RuneCountInString(reason) > 1000 {
		p.Problem = "Give the reason for collecting this author again (at most 1,000 characters): it is kept in the audit log."
		return s.retentionPage(c, http.StatusBadRequest, p)
	}
	u, _ := userFrom(c)
	err := s.store.LiftSuppression(c.Request().Context(), target, u.Name, reason)
	if errors.Is(err, store.ErrNoSuppression) {
		p.Problem = "That author is not kept from being collected (lifted already?)."
		return s.retentionPage(c, http.StatusBadRequest, p)
	}
	if err != nil {
		return err
	}
	p.Lifted = target
	return s.retentionPage(c, http.StatusOK, p)
}

// humanDuration says a retention period in days (or hours under a day);
// zero is "kept".
func humanDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "not pruned"
	case d%(24*time.Hour) == 0 && d >= 24*time.Hour:
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	default:
		return d.String()
	}
}
