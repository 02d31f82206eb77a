package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
)

// MapOptions say where the map's tiles come from. With no tile server the
// map draws an outline of the land embedded in the console (world-atlas),
// so a closed network still sees its operations and hits.
type MapOptions struct {
	// Tiles is a tile URL template such as https://tiles.force.internal/{z}/{x}/{y}.png;
	// empty: the embedded outline only.
	Tiles       string
	Attribution string // shown in the map's corner
}

// tileOrigin is the scheme and host of the tile server, for the CSP; a
// {s} subdomain becomes a wildcard.
func (m MapOptions) tileOrigin() string {
	scheme, rest, ok := strings.Cut(m.Tiles, "://")
	if !ok || (scheme != "http" && scheme != "https") {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	if h, ok := strings.CutPrefix(host, "{s}."); ok {
		host = "*." + h
	}
	if host == "" || strings.ContainsAny(host, "{}; '\"") {
		return ""
	}
	return scheme + "://" + host
}

// WallOptions configure wall mode (?wall=1).
type WallOptions struct {
	// Rotate, when above zero, moves the wall to the next operation's
	// board after this long; zero (the default) keeps one board.
	Rotate time.Duration
}

type mapOperation struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Place   string  `json:"place"`
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	RadiusM int     `json:"radius_m"`
	Phase   string  `json:"phase"`
	Start   string  `json:"start"`
	End     string  `json:"end"`
}

// mapHit is one item with a place: its hits on several lists are one point.
type mapHit struct {
	ID    int64    `json:"id"` // the newest of its hits
	Title string   `json:"title"`
	Lists []string `json:"lists"`
	Place string   `json:"place"`
	Lat   float64  `json:"lat"`
	Lon   float64  `json:"lon"`
}

// boardMap answers GET /api/boards/<id>/map: the tile server (if any),
// the operations with a place (the board's own, or all of them on the all
// board) and the newest hits that carry a place.
func (s *Server) boardMap(c echo.Context) error {
	id := c.Param("id")
	if _, err := s.viewBoard(c, id); err != nil {
		return err
	}
	now := s.opts.Now()
	ops := []mapOperation{}
	var placed []watch.Operation
	for _, op := range s.reg.All() {
		if op.Point == nil {
			continue
		}
		placed = append(placed, op)
		if id != watch.BoardAll && op.ID != id {
			continue
		}
		ops = append(ops, mapOperation{ID: op.ID, Name: op.Name, Place: op.Place, Lat: op.Point.Lat, Lon: op.Point.Lon,
			RadiusM: op.RadiusM, Phase: string(op.PhaseAt(now)),
			Start: op.Start.UTC().Format(time.RFC3339), End: op.End.UTC().Format(time.RFC3339)})
	}
	snap, err := s.store.BoardSnapshot(c.Request().Context(), id, 200)
	if err != nil {
		return err
	}
	hits := []mapHit{}
	byItem := map[int64]int{}
	for _, h := range snap.Hits {
		if i, ok := byItem[h.ItemID]; ok {
			hits[i].Lists = append(hits[i].Lists, h.ListID)
			continue
		}
		if p, ok := hitPlace(h.Item.Location, placed); ok {
			byItem[h.ItemID] = len(hits)
			hits = append(hits, mapHit{ID: h.ID, Title: h.Item.Title, Lists: []string{h.ListID}, Place: h.Item.Location, Lat: p.Lat, Lon: p.Lon})
		}
	}
	shown := make([]int64, len(hits))
	for i, h := range hits {
		shown[i] = h.ID
	}
	if err := s.consulted(c, actBoardMap, "board:"+id, idList(shown)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"tiles": s.opts.Map.Tiles, "attribution": s.opts.Map.Attribution, "operations": ops, "hits": hits,
	})
}

// hitPlace finds where a hit's place is: coordinates written as
// "lat, lon", or the place of an operation it names (the operations are
// the only gazetteer the console has; nothing is looked up outside).
func hitPlace(loc string, ops []watch.Operation) (watch.GeoPoint, bool) {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return watch.GeoPoint{}, false
	}
	if a, b, ok := strings.Cut(loc, ","); ok {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
		if err1 == nil && err2 == nil && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180 {
			return watch.GeoPoint{Lat: lat, Lon: lon}, true
		}
	}
	l := strings.ToLower(loc)
	for _, op := range ops {
		if op.Place != "" && (strings.Contains(l, strings.ToLower(op.Place)) || strings.Contains(strings.ToLower(op.Place), l)) {
			return *op.Point, true
		}
	}
	return watch.GeoPoint{}, false
}
