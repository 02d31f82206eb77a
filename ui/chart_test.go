package ui

import (
	"encoding/json"
	"io"
	"testing"
)

func TestBoardChartsAPI(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "v1", "viewer")
	s := e.signIn(t, "v1")
	e.recordHit(t, "a", "rave", "op1")
	e.recordHit(t, "b", "rave", "op1")
	r, err := s.Client.Get(e.ts.URL + "/api/boards/op1/chart")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	var got map[string]struct {
		Series []struct {
			Name string `json:"name"`
			Type string `json:"type"`
			Data []any  `json:"data"`
		} `json:"series"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	over, src, terms := got["chart"], got["chart-sources"], got["chart-terms"]
	if len(over.Series) != 1 || over.Series[0].Name != "ume" || over.Series[0].Type != "bar" {
		t.Fatalf("over time %+v", over)
	}
	if len(src.Series) != 1 || src.Series[0].Type != "pie" || len(src.Series[0].Data) != 1 {
		t.Fatalf("sources %+v", src)
	}
	if len(terms.Series) != 1 || len(terms.Series[0].Data) != 1 {
		t.Fatalf("terms %+v", terms)
	}
	// the terms' labels are not clipped: the grid holds them, each shown
	var layout map[string]struct {
		Grid  []map[string]any `json:"grid"`
		YAxis []map[string]any `json:"yAxis"`
	}
	if err := json.Unmarshal(b, &layout); err != nil {
		t.Fatal(err)
	}
	tl := layout["chart-terms"]
	if len(tl.Grid) != 1 || tl.Grid[0]["containLabel"] != true || len(tl.YAxis) != 1 ||
		tl.YAxis[0]["axisLabel"].(map[string]any)["interval"] != "0" {
		t.Fatalf("terms chart layout: grid %v, y axis %v", tl.Grid, tl.YAxis)
	}
}
