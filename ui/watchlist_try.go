package ui

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

const (
	tryDaysDefault = 7
	tryDaysMax     = 30
	tryScanMax     = 5000 // items scanned, newest first
	tryShowMax     = 50   // items shown
	// tryBudget is how long one try may scan: a costly draft (thousands
	// of wildcards joined by NEAR, say) is stopped and says how far it got.
	tryBudget = 5 * time.Second
	// trySlots is how many tries may scan at once.
	trySlots = 2
)

type tryRequest struct {
	List listRequest `json:"list"`
	Days int         `json:"days"`
}

// tryItem is one stored item the draft or the current version matches.
type tryItem struct {
	Status string       `json:"status"` // new, lost or unchanged
	Item   watch.Item   `json:"item"`
	Terms  []string     `json:"terms"`
	Spans  []watch.Span `json:"spans"`
}

type tryReply struct {
	Days      int       `json:"days"`
	Scanned   int       `json:"scanned"`
	Capped    bool      `json:"capped"`  // more items were stored in the period than were scanned
	Stopped   bool      `json:"stopped"` // the time budget ran out before every item was scanned
	Draft     int       `json:"draft"`   // items the draft matches
	Current   int       `json:"current"`
	New       int       `json:"new"`
	Lost      int       `json:"lost"`
	Unchanged int       `json:"unchanged"`
	Shown     int       `json:"shown"`
	Items     []tryItem `json:"items"`
	TookMS    float64   `json:"took_ms"`
}

// tryList runs a draft list against the items stored in the last days and
// compares it with the list's current version: what it would newly match,
// what it would no longer match, and what is unchanged. Both versions are
// compiled once; the items are scanned once.
func (s *Server) tryList(c echo.Context) error {
	var req tryRequest
	if err := decodeJSON(c, &req, "The request"); err != nil {
		return err
	}
	if req.Days <= 0 {
		req.Days = tryDaysDefault
	}
	req.Days = min(req.Days, tryDaysMax)
	id := req.List.ID
	if !listIDRe.MatchString(id) {
		id = "draft"
	}
	base := watch.WatchList{ID: id}
	cur, hasCur := s.lists.Entry(id)
	if hasCur {
		base = cur.List
	}
	l, _, err := s.draft(req.List, base)
	if err != nil {
		return err
	}
	select {
	case s.trySlots <- struct{}{}:
		defer func() { <-s.trySlots }()
	default:
		return echo.NewHTTPError(http.StatusTooManyRequests, "Other tries are running; try again in a moment.")
	}
	start := time.Now()
	draftM, err := watch.NewMatcher([]watch.WatchList{l}, nil)
	if err != nil {
		return listError(http.StatusBadRequest, "The list does not compile: "+err.Error(), nil)
	}
	var curM *watch.Matcher
	if hasCur && cur.Broken == nil {
		if curM, err = watch.NewMatcher([]watch.WatchList{cur.List}, nil); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	began := s.opts.Now()
	items, err := s.store.ItemsSince(ctx, began.Add(-time.Duration(req.Days)*24*time.Hour), tryScanMax+1)
	if err != nil {
		return err
	}
	out := tryReply{Days: req.Days, Items: []tryItem{}}
	if len(items) > tryScanMax {
		items, out.Capped = items[:tryScanMax], true
	}
	var lists [3][]tryItem // new, lost, unchanged
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return err // the analyst went away
		}
		if s.opts.Now().Sub(began) >= tryBudget {
			out.Stopped = true
			break
		}
		out.Scanned++
		d := draftM.Match(it)
		var now []watch.Hit
		if curM != nil {
			now = curM.Match(it)
		}
		switch {
		case len(d) > 0 && len(now) == 0:
			out.New++
			lists[0] = append(lists[0], tryItem{Status: "new", Item: it, Terms: d[0].Terms, Spans: d[0].Spans})
		case len(d) == 0 && len(now) > 0:
			out.Lost++
			lists[1] = append(lists[1], tryItem{Status: "lost", Item: it, Terms: now[0].Terms, Spans: now[0].Spans})
		case len(d) > 0:
			out.Unchanged++
			lists[2] = append(lists[2], tryItem{Status: "unchanged", Item: it, Terms: d[0].Terms, Spans: d[0].Spans})
		}
	}
	out.Draft, out.Current = out.New+out.Unchanged, out.Lost+out.Unchanged
	for _, xs := range lists {
		for _, x := range xs {
			if len(out.Items) == tryShowMax {
				break
			}
			if x.Spans == nil {
				x.Spans = []watch.Span{}
			}
			out.Items = append(out.Items, x)
		}
	}
	out.Shown = len(out.Items)
	shown := make([]int64, len(out.Items))
	for i, x := range out.Items {
		shown[i] = x.Item.ID
	}
	if err := s.consulted(c, actWatchlistTry, "watchlist:"+id, fmt.Sprintf("days=%d scanned=%d items %s", req.Days, out.Scanned, idList(shown))); err != nil {
		return err
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return c.JSON(http.StatusOK, out)
}
