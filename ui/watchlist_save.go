package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

type listRequest struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Query      string   `json:"query"`
	Severity   string   `json:"severity"`
	Sources    []string `json:"sources"`
	Operations []string `json:"operations"`
	Tags       []string `json:"tags"`
	Rev        int64    `json:"rev"` // the revision the editor read; 0 for a list not yet stored
}

var listIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

const maxListName = 200

// rebuildWait is how long a save waits for the new lists to be in force
// before answering that they are still being built.
const rebuildWait = 10 * time.Second

// listError is a refused draft: a message, and where a query is wrong.
func listError(code int, msg string, check *queryProblem) error {
	body := map[string]any{"error": msg}
	if check != nil {
		body["check"] = check
	}
	return echo.NewHTTPError(code, body)
}

// draft checks an editor's request and applies it to base (the list as it
// is, so fields the editor does not show are kept).
func (s *Server) draft(req listRequest, base watch.WatchList) (watch.WatchList, []string, error) {
	l := base
	l.Name = strings.TrimSpace(req.Name)
	if !utf8.ValidString(l.Name) || utf8.RuneCountInString(l.Name) > maxListName {
		return l, nil, listError(http.StatusBadRequest, "The name may have at most 200 characters.", nil)
	}
	tags, err := listTags(req.Tags)
	if err != nil {
		return l, nil, err
	}
	l.Tags = tags
	l.Severity = req.Severity
	if l.Severity == "" {
		l.Severity = "routine"
	}
	if !slices.Contains([]string{"critical", "high", "routine"}, l.Severity) {
		return l, nil, listError(http.StatusBadRequest, "The severity is critical, high or routine.", nil)
	}
	l.Sources = nil
	for _, id := range req.Sources {
		if !s.knownSource(id) {
			return l, nil, listError(http.StatusBadRequest, "There is no source "+quote(id)+".", nil)
		}
		if !slices.Contains(l.Sources, id) {
			l.Sources = append(l.Sources, id)
		}
	}
	var ops []string
	for _, id := range req.Operations {
		if _, ok := s.reg.Get(id); !ok {
			return l, nil, listError(http.StatusBadRequest, "There is no operation "+quote(id)+".", nil)
		}
		if !slices.Contains(ops, id) {
			ops = append(ops, id)
		}
	}
	l.Query, l.Terms = req.Query, nil
	if strings.TrimSpace(l.Query) == "" {
		return l, nil, listError(http.StatusBadRequest, "A watch list needs a query.", nil)
	}
	if p := checkQueryText(l.Query); !p.OK {
		return l, nil, listError(http.StatusBadRequest, "The query does not parse: "+p.Message, &p)
	}
	if err := watch.CheckList(l); err != nil {
		return l, nil, listError(http.StatusBadRequest, "The list does not compile: "+err.Error(), nil)
	}
	return l, ops, nil
}

func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "") + `"`
}

// auditList is what the audit log keeps of a list's version.
type auditList struct {
	Query      string   `json:"query"`
	Name       string   `json:"name,omitempty"`
	Severity   string   `json:"severity"`
	Sources    []string `json:"sources,omitempty"`
	Operations []string `json:"operations,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	Disabled   bool     `json:"disabled,omitempty"`
}

func auditOf(l watch.StoredList) *auditList {
	return &auditList{Query: listQuery(l.List), Name: l.List.Name, Severity: l.List.Severity, Sources: l.List.Sources,
		Operations: l.Operations, Tags: l.List.Tags, Disabled: l.Disabled}
}

func auditDetail(old, new *auditList) string {
	b, _ := json.Marshal(map[string]*auditList{"old": old, "new": new})
	return string(b)
}

// createList stores a new list made in the web.
func (s *Server) createList(c echo.Context) error {
	var req listRequest
	if err := decodeJSON(c, &req, "The request"); err != nil {
		return err
	}
	if !listIDRe.MatchString(req.ID) {
		return listError(http.StatusBadRequest, "The id is 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit.", nil)
	}
	if _, ok := s.lists.Entry(req.ID); ok {
		return listError(http.StatusConflict, "A watch list with this id exists: edit it, or choose another id.", nil)
	}
	l, ops, err := s.draft(req, watch.WatchList{ID: req.ID})
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	sl := watch.StoredList{List: l, Operations: ops}
	return s.saveList(c, sl, watch.AuditEntry{Actor: u.Name, Action: "watchlist_create", Target: "watchlist:" + l.ID,
		Detail: auditDetail(nil, auditOf(sl))})
}

// editList changes a list. A config file's list is changed by an override
// kept in the database, which wins over the file until it is reverted.
func (s *Server) editList(c echo.Context, e watch.ListEntry) error {
	var req listRequest
	if err := decodeJSON(c, &req, "The request"); err != nil {
		return err
	}
	l, ops, err := s.draft(req, e.List)
	if err != nil {
		return err
	}
	u, _ := userFrom(c)
	sl := e.StoredList
	sl.List, sl.Operations, sl.Rev, sl.Override = l, ops, req.Rev, e.Origin != watch.OriginWeb
	return s.saveList(c, sl, watch.AuditEntry{Actor: u.Name, Action: "watchlist_edit", Target: "watchlist:" + l.ID,
		Detail: auditDetail(auditOf(e.StoredList), auditOf(sl))})
}

// listAction saves (editList), disables, enables, deletes (lists made in
// the web) or reverts (a web change to a config list) a list.
func (s *Server) listAction(c echo.Context) error {
	e, ok := s.lists.Entry(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "There is no such watch list.")
	}
	if c.Param("action") == "save" {
		return s.editList(c, e)
	}
	var req struct {
		Rev int64 `json:"rev"`
	}
	if err := decodeJSON(c, &req, "The request"); err != nil {
		return err
	}
	u, _ := userFrom(c)
	audit := watch.AuditEntry{Actor: u.Name, Target: "watchlist:" + e.List.ID}
	switch action := c.Param("action"); action {
	case "disable", "enable":
		sl := e.StoredList
		sl.Disabled, sl.Rev, sl.Override = action == "disable", req.Rev, e.Origin != watch.OriginWeb
		audit.Action, audit.Detail = "watchlist_"+action, auditDetail(auditOf(e.StoredList), auditOf(sl))
		if action == "enable" && e.Config != nil && reflect.DeepEqual(e.List, *e.Config) && len(e.Operations) == 0 {
			// an override that only disabled a config list: enabling it
			// is the config file's list again
			if err := s.store.DeleteWatchList(c.Request().Context(), e.List.ID, req.Rev, audit); err != nil {
				return storeListError(err)
			}
			return s.listsChanged(c, e.List.ID)
		}
		return s.saveList(c, sl, audit)
	case "delete", "revert":
		if action == "delete" && e.Origin != watch.OriginWeb {
			return listError(http.StatusConflict, "This list is in the config file: disable it here, or remove it from the file.", nil)
		}
		if action == "revert" && e.Origin != watch.OriginConfigChanged {
			return listError(http.StatusConflict, "Only a config file's list changed in the web can be reverted.", nil)
		}
		var after *auditList
		if e.Config != nil {
			after = auditOf(watch.StoredList{List: *e.Config})
		}
		audit.Action, audit.Detail = "watchlist_"+action, auditDetail(auditOf(e.StoredList), after)
		if err := s.store.DeleteWatchList(c.Request().Context(), e.List.ID, req.Rev, audit); err != nil {
			return storeListError(err)
		}
		return s.listsChanged(c, e.List.ID)
	}
	return echo.NewHTTPError(http.StatusNotFound, "No such action.")
}

func (s *Server) saveList(c echo.Context, sl watch.StoredList, audit watch.AuditEntry) error {
	if _, err := s.store.SaveWatchList(c.Request().Context(), sl, audit); err != nil {
		return storeListError(err)
	}
	return s.listsChanged(c, sl.List.ID)
}

func storeListError(err error) error {
	if errors.Is(err, store.ErrConflict) {
		return listError(http.StatusConflict, "Someone changed this list meanwhile: reload the page to see their version.", nil)
	}
	return err
}

// listsChanged rebuilds the matcher in the background and answers once
// the new lists are in force (or the build failed, or is taking long:
// the change is saved either way).
func (s *Server) listsChanged(c echo.Context, id string) error {
	gen := s.lists.Changed()
	ctx, cancel := context.WithTimeout(c.Request().Context(), rebuildWait)
	defer cancel()
	out := map[string]any{"ok": true, "in_force": true}
	if err := s.lists.Wait(ctx, gen); err != nil {
		out["in_force"] = false
		out["error"] = "Saved, but the lists in force are still the old ones: " + err.Error()
		if errors.Is(err, context.DeadlineExceeded) {
			out["error"] = "Saved; the lists are still being rebuilt."
		}
	}
	if e, ok := s.lists.Entry(id); ok {
		out["list"] = viewOf(e)
	}
	return c.JSON(http.StatusOK, out)
}

// Limits on a list's tags.
const (
	maxListTags   = 10
	maxListTagLen = 40
)

// listTags cleans the tags an editor sent: trimmed, spaces collapsed, no
// empty or repeated ones, capped.
func listTags(in []string) ([]string, error) {
	var out []string
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || slices.Contains(out, t) {
			continue
		}
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxListTagLen {
			return nil, listError(http.StatusBadRequest, fmt.Sprintf("A tag may have at most %d characters.", maxListTagLen), nil)
		}
		out = append(out, t)
	}
	if len(out) > maxListTags {
		return nil, listError(http.StatusBadRequest, fmt.Sprintf("A list may have at most %d tags.", maxListTags), nil)
	}
	return out, nil
}
