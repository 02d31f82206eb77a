package config

import (
	"strings"
	"testing"
	"time"
)

func TestUISection(t *testing.T) {
	base := "server: {data_dir: ./d}\n"
	f, err := Parse("a.yaml", []byte(base+"ui: {map: {tiles: \"https://{s}.tiles.force.internal/{z}/{x}/{y}.png\", attribution: GIS}, wall: {rotate: 45s}}\n"), feedOnly)
	if err != nil {
		t.Fatal(err)
	}
	if f.UI.MapTiles != "https://{s}.tiles.force.internal/{z}/{x}/{y}.png" || f.UI.MapAttribution != "GIS" || f.UI.WallRotate != 45*time.Second {
		t.Fatalf("ui %+v", f.UI)
	}
	f, err = Parse("a.yaml", []byte(base), feedOnly)
	if err != nil || f.UI.MapTiles != "" || f.UI.WallRotate != 0 {
		t.Fatalf("defaults %+v, %v: want no tiles and no rotation", f.UI, err)
	}
	for _, bad := range []string{
		`ui: {map: {tiles: "javascript:alert(1)/{z}/{x}/{y}"}}`,
		`ui: {map: {tiles: "https://tiles.example/{z}/{x}.png"}}`,
		`ui: {map: {tiles: "https://tiles.example; script-src *//{z}/{x}/{y}"}}`,
		`ui: {wall: {rotate: 2s}}`,
		`ui: {wall: {spin: 1m}}`,
	} {
		if _, err := Parse("a.yaml", []byte(base+bad+"\n"), feedOnly); err == nil || !strings.Contains(err.Error(), "ui.") {
			t.Errorf("%s: %v, want a problem at ui.…", bad, err)
		}
	}
}
