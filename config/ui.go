package config

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// UI configures the console's map and wall.
type UI struct {
	// MapTiles is a tile URL template ({z}, {x}, {y}, optionally {s}) of
	// the force's own tile server; empty: the map draws the outline
	// embedded in the console.
	MapTiles       string
	MapAttribution string
	// WallRotate, above zero, moves a wall to the next operation's board
	// after this long; zero (the default) keeps one board.
	WallRotate time.Duration
}

func (d *decoder) ui(sec field, u *UI) {
	fs, ok := d.fields(sec.val, sec.path, "map", "wall")
	if !ok {
		return
	}
	if m, ok := fs["map"]; ok {
		mf, ok := d.fields(m.val, m.path, "tiles", "attribution")
		if ok {
			scalar(d, mf["tiles"], &u.MapTiles, parseTileURL)
			scalar(d, mf["attribution"], &u.MapAttribution, anyText)
		}
	}
	if w, ok := fs["wall"]; ok {
		wf, ok := d.fields(w.val, w.path, "rotate")
		if ok {
			scalar(d, wf["rotate"], &u.WallRotate, parseRotate)
		}
	}
}

var tileHostRE = regexp.MustCompile(`^(\{s\}\.)?[A-Za-z0-9.-]+(:[0-9]+)?$`)

// parseTileURL checks a tile URL template: http or https, a plain host
// (or {s}.host), and {z}, {x} and {y} in the path.
func parseTileURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	scheme, rest, ok := strings.Cut(s, "://")
	host, path, _ := strings.Cut(rest, "/")
	if !ok || (scheme != "http" && scheme != "https") || !tileHostRE.MatchString(host) {
		return "", fmt.Errorf("tiles %q: want an http or https URL template such as https://tiles.example/{z}/{x}/{y}.png", s)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(path, p) {
			return "", fmt.Errorf("tiles %q: the template has no %s", s, p)
		}
	}
	return s, nil
}

func parseRotate(s string) (time.Duration, error) {
	if s == "0" || s == "0s" {
		return 0, nil
	}
	d, err := parseDuration(s)
	if err == nil && d < 10*time.Second {
		return 0, fmt.Errorf("rotate %q: at least 10s, or 0 for none", s)
	}
	return d, err
}
