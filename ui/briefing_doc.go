package ui

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"time"

	"github.com/watchroom/watchroom/ui/charts"
	"github.com/watchroom/watchroom/watch"
)

type briefingDoc struct {
	B                 watch.Briefing
	Version           int
	ID                int64  // online: the stored version's id
	SHA256            string // online: the stored document's hash
	Offline           bool
	TimeZone          string
	Generated         string
	Start, End        string
	KeyHits           []keyHit
	Lists             []briefingList
	ChartJSON         template.JS
	CSS               template.CSS
	EchartsJS, InitJS template.JS
	// Erasures marks a stored version that quoted items since erased;
	// Withheld is how many of its key hits the console no longer shows.
	Erasures []erasureMark
	Withheld int
}

type erasureMark struct {
	ID             int64
	At, By, Reason string
}

type keyHit struct {
	H     watch.HitView
	Found string
	Text  string
	Notes []noteLine
}

// briefingList is a watch list as a briefing states it: what it looks
// for and what it excludes, whether written as terms or as a query.
type briefingList struct {
	Name, Severity    string
	Terms, Exclusions []string
}

// noteLine is what an officer did to a hit, as a sentence: "pc1
// acknowledged", "pc2 escalated to North SNT: note".
type noteLine struct {
	Author, Action, Note string
	Tags                 []string
}

// annotationAction says what an annotation of a kind did, as the board
// says it.
func annotationAction(a watch.Annotation) string {
	switch a.Kind {
	case watch.AnnotationAck:
		return "acknowledged"
	case watch.AnnotationFlag:
		return "flagged for referral to the platform"
	case watch.AnnotationNotRelevant:
		return "marked not relevant"
	case watch.AnnotationEscalate:
		if a.Team == "" {
			return "escalated"
		}
		return "escalated to " + a.Team
	}
	return ""
}

// ErrNoChartLibrary is returned when the embedded echarts build is missing
// (the assets were not built), so no offline briefing can carry its charts.
var ErrNoChartLibrary = errors.New("the embedded echarts build is missing: run make assets")

// briefingCharts builds the briefing's charts with go-echarts, as JSON that
// is safe inside a script element (json.Marshal escapes <, > and &).
func briefingCharts(b watch.Briefing, loc *time.Location) (template.JS, error) {
	over := make([]charts.Bucket, len(b.OverTime))
	for i, x := range b.OverTime {
		over[i] = charts.Bucket{Start: x.Start, Count: x.Count}
	}
	j, err := json.Marshal(map[string]any{
		"chart-over-time": charts.HitsOverTime("Hits per hour, last 48 hours", over, loc, false),
		"chart-terms":     charts.TopTerms("Top terms", counted(b.TopTerms), false),
		"chart-sources":   charts.BySource("Hits by source", counted(b.BySource), false),
	})
	return template.JS(j), err
}

// RenderBriefing renders a briefing. Offline, the document carries its
// style, the echarts library and the chart code inline, so it opens from a
// file with no network; online, it uses the console's static files (the
// console's CSP forbids inline script).
func (s *Server) RenderBriefing(b watch.Briefing, version int, offline bool) ([]byte, error) {
	d, err := s.briefingDoc(b, version, offline)
	if err != nil {
		return nil, err
	}
	return s.execBriefing(d)
}

func (s *Server) execBriefing(d briefingDoc) ([]byte, error) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, "briefing_doc", d); err != nil {
		return nil, fmt.Errorf("render briefing: %w", err)
	}
	return buf.Bytes(), nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func (s *Server) briefingDoc(b watch.Briefing, version int, offline bool) (briefingDoc, error) {
	loc := s.opts.Location
	t := func(x time.Time) string {
		if x.IsZero() {
			return "unknown"
		}
		return formatTime(x, loc)
	}
	d := briefingDoc{B: b, Version: version, Offline: offline, TimeZone: loc.String(), Generated: t(b.GeneratedAt),
		Start: t(b.Operation.Start), End: t(b.Operation.End)}
	for _, h := range b.KeyHits {
		text := []rune(h.Item.Text)
		if len(text) > 600 {
			text = append(text[:600], '…')
		}
		k := keyHit{H: h, Found: t(h.Found), Text: string(text)}
		for _, a := range h.Annotations {
			k.Notes = append(k.Notes, noteLine{Author: a.Author, Action: annotationAction(a), Note: a.Note, Tags: a.Tags})
		}
		d.KeyHits = append(d.KeyHits, k)
	}
	for _, l := range b.WatchLists {
		name := l.Name
		if name == "" {
			name = l.ID
		}
		terms, excl := listTerms(l)
		d.Lists = append(d.Lists, briefingList{Name: name, Severity: l.Severity, Terms: terms, Exclusions: excl})
	}
	var err error
	if d.ChartJSON, err = briefingCharts(b, loc); err != nil {
		return d, err
	}
	if offline {
		read := func(name string) (string, error) {
			b, err := fs.ReadFile(staticFS, "static/"+name)
			return string(b), err
		}
		css, err := read("briefing.css")
		if err != nil {
			return d, err
		}
		lib, err := read("vendor/echarts.min.js")
		if err != nil {
			return d, ErrNoChartLibrary
		}
		init, err := read("briefing.js")
		if err != nil {
			return d, err
		}
		d.CSS, d.EchartsJS, d.InitJS = template.CSS(css), template.JS(lib), template.JS(init)
	}
	return d, nil
}

// counted turns ranked counts into a chart's bars.
func counted(cs []watch.Count) []charts.Counted {
	out := make([]charts.Counted, len(cs))
	for i, c := range cs {
		out[i] = charts.Counted{Label: c.Label, N: c.N}
	}
	return out
}
