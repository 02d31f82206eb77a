package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/match"
)

type termRow struct {
	watch.TermStat
	Share string
	Noisy bool
}

type listRow struct {
	List    watch.WatchList
	Entry   watch.ListEntry
	Origin  string // as a person reads it
	Query   string // the query, or the terms written as one
	Config  string // the config file's version, when changed in the web
	Updated string
	Broken  string
	Terms   []termRow
	// Exclusions are the terms the list excludes (-football): an item
	// holding one is not a hit, so they have no hits to count.
	Exclusions []string
}

// watchListsPage is the /watchlists page: the editor, and each list's
// terms with their hits in the last 7 and 30 days and the share officers
// marked not relevant, so noisy terms stand out.
type watchListsPage struct {
	Rows       []listRow
	Sources    []watch.Source
	Operations []watch.Operation
	BuildError string
	Built      string
}

func (s *Server) watchListRoutes(a *echo.Group) {
	analyst := requireRole(watch.RoleAnalyst)
	a.GET("/watchlists", s.watchLists, analyst)
	a.GET("/api/watchlists", s.watchListsJSON, analyst)
	a.POST("/api/watchlists/check", s.checkQuery, analyst)
	a.POST("/api/watchlists/try", s.tryList, analyst)
	a.POST("/api/watchlists", s.createList, analyst)
	a.POST("/api/watchlists/:id/:action", s.listAction, analyst) // save, disable, enable, delete, revert
}

func originText(o string) string {
	switch o {
	case watch.OriginConfig:
		return "from config"
	case watch.OriginConfigChanged:
		return "config, changed in the web"
	}
	return "made in the web"
}

// listQuery is a list as one query: its query, or its terms written as one.
func listQuery(l watch.WatchList) string {
	if l.Query != "" {
		return l.Query
	}
	return match.TermsQuery(l.Terms)
}

// listTerms are the terms a list looks for, as written (its figures are
// kept under each one's watch.TermKey, so they survive an edit that quotes
// or unquotes it), and the terms it excludes.
func listTerms(l watch.WatchList) (terms, exclusions []string) {
	if l.Query == "" {
		return l.Terms, nil
	}
	q, err := match.Parse(l.Query)
	if err != nil {
		return nil, nil
	}
	return q.Terms(), q.Exclusions()
}

func (s *Server) watchLists(c echo.Context) error {
	stats, err := s.store.TermStats(c.Request().Context())
	if err != nil {
		return err
	}
	p := watchListsPage{Sources: s.opts.Sources, Operations: s.opts.Operations}
	if err := s.lists.LastError(); err != nil {
		p.BuildError = err.Error()
	}
	if b := s.lists.Built(); !b.IsZero() {
		p.Built = formatTime(b, s.opts.Location)
	}
	for _, e := range s.lists.Entries() {
		l := e.List
		r := listRow{List: l, Entry: e, Origin: originText(e.Origin), Query: listQuery(l)}
		if e.Broken != nil {
			r.Broken = e.Broken.Error()
		}
		if e.Config != nil {
			r.Config = listQuery(*e.Config)
		}
		if e.Origin != watch.OriginConfig {
			r.Updated = fmt.Sprintf("%s, %s", e.UpdatedBy, formatTime(e.Updated, s.opts.Location))
		}
		terms, excl := listTerms(l)
		r.Exclusions = excl
		seen := map[string]bool{}
		for _, t := range terms {
			k := watch.TermKey(t)
			if seen[k] {
				continue
			}
			seen[k] = true
			st := watch.TermStat{List: l.ID, Term: t}
			if x := stats[l.ID][k]; x != nil {
				st = *x
				st.Term = t
			}
			r.Terms = append(r.Terms, termRow{TermStat: st, Share: fmt.Sprintf("%.0f%%", 100*st.Share()),
				Noisy: st.Hits30 >= 3 && st.Share() >= 0.5})
		}
		p.Rows = append(p.Rows, r)
	}
	return s.render(c, http.StatusOK, "watchlists.html", page{Title: "Watch lists", Lists: p})
}

// listView is a list as the editor reads it.
type listView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Query       string    `json:"query"`
	Severity    string    `json:"severity"`
	Sources     []string  `json:"sources"`
	Operations  []string  `json:"operations"`
	Tags        []string  `json:"tags"`
	Disabled    bool      `json:"disabled"`
	Origin      string    `json:"origin"`
	Rev         int64     `json:"rev"`
	ConfigQuery string    `json:"config_query,omitempty"`
	Broken      string    `json:"broken,omitempty"`
	UpdatedBy   string    `json:"updated_by,omitempty"`
	Updated     time.Time `json:"updated,omitzero"`
}

func viewOf(e watch.ListEntry) listView {
	v := listView{ID: e.List.ID, Name: e.List.Name, Query: listQuery(e.List), Severity: e.List.Severity,
		Sources: nonNilStrings(e.List.Sources), Operations: nonNilStrings(e.Operations), Tags: nonNilStrings(e.List.Tags), Disabled: e.Disabled,
		Origin: e.Origin, Rev: e.Rev, UpdatedBy: e.UpdatedBy, Updated: e.Updated}
	if e.Config != nil {
		v.ConfigQuery = listQuery(*e.Config)
	}
	if e.Broken != nil {
		v.Broken = e.Broken.Error()
	}
	return v
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// watchListsJSON is every list for the editor.
func (s *Server) watchListsJSON(c echo.Context) error {
	out := []listView{}
	for _, e := range s.lists.Entries() {
		out = append(out, viewOf(e))
	}
	return c.JSON(http.StatusOK, map[string]any{"lists": out})
}
