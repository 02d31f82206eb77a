package ui

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// Audit actions for consultation: a person was shown personal data. One
// entry a request, never one an item (docs/audit.md lists the routes).
const (
	actBoardView     = "board_view"     // a board's page
	actBoardSnapshot = "board_snapshot" // the hits a board loads before it goes live
	actBoardHits     = "board_hits"     // a page of older hits
	actBoardMap      = "board_map"      // the map's hits
	actHitView       = "hit_view"       // one hit with its item and annotations
	actWatchlistTry  = "watchlist_try"  // stored items a draft list would match
)

// consulted records that the signed-in person was shown what target and
// detail name. The answer waits for the entry: no record, no data.
func (s *Server) consulted(c echo.Context, action, target, detail string) error {
	u, _ := userFrom(c)
	return s.store.Audit(c.Request().Context(), watch.AuditEntry{Actor: u.Name, Action: action, Target: target, Detail: detail})
}

// maxAuditIDs caps the ids one entry lists; a longer list says how many
// more there were.
const maxAuditIDs = 200

// idList is "n=3 ids=4,9,12": what an answer showed, by id.
func idList(ids []int64) string {
	var b strings.Builder
	b.WriteString("n=")
	b.WriteString(strconv.Itoa(len(ids)))
	b.WriteString(" ids=")
	for i, id := range ids {
		if i == maxAuditIDs {
			b.WriteString(",+")
			b.WriteString(strconv.Itoa(len(ids) - i))
			break
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// hitIDs are the ids of hits shown.
func hitIDs(hs []watch.HitView) []int64 {
	ids := make([]int64, len(hs))
	for i, h := range hs {
		ids[i] = h.ID
	}
	return ids
}
