package ui

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

type termRow struct {
	store.TermStat
	Share string
	Noisy bool
}

type listRow struct {
	List  watch.WatchList
	Terms []termRow
}

// watchLists shows each list's terms with their hits in the last 7 and 30
// days and the share officers marked not relevant, so noisy terms stand out.
func (s *Server) watchLists(c echo.Context) error {
	stats, err := s.store.TermStats(c.Request().Context())
	if err != nil {
		return err
	}
	var rows []listRow
	for _, l := range s.opts.WatchLists {
		r := listRow{List: l}
		for _, t := range l.Terms {
			st := store.TermStat{List: l.ID, Term: t}
			if x := stats[l.ID][t]; x != nil {
				st = *x
			}
			r.Terms = append(r.Terms, termRow{TermStat: st, Share: fmt.Sprintf("%.0f%%", 100*st.Share()),
				Noisy: st.Hits30 >= 3 && st.Share() >= 0.5})
		}
		rows = append(rows, r)
	}
	return s.render(c, http.StatusOK, "watchlists.html", page{Title: "Watch lists", Lists: rows})
}
