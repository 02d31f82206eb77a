package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// goldenBriefing is a briefing with one of everything a document states:
// lists written as terms and as a query, every kind of annotation, an
// alert.
func goldenBriefing() watch.Briefing {
	at := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	start := at.Add(24 * time.Hour)
	hit := func(id int64, title string, anns ...watch.Annotation) watch.HitView {
		return watch.HitView{Hit: watch.Hit{ID: id, ListID: "ume", Terms: []string{"rave"}, Found: at.Add(-time.Duration(id) * time.Hour)},
			Item:        watch.Item{SourceID: "local", Title: title, Text: "Bring friends <b>tonight</b>", URL: "https://example.org/" + title},
			Annotations: anns}
	}
	return watch.Briefing{
		Operation: watch.Operation{ID: "gig", Name: "Warehouse gig", Kind: "ume", Risk: "high", Place: "Hackney Wick", Team: "North SNT",
			Start: start, End: start.Add(6 * time.Hour), Point: &watch.GeoPoint{Lat: 51.5432, Lon: -0.0235}, RadiusM: 500, Context: "Promoter known to us"},
		Phase: watch.PhaseBefore, GeneratedAt: at, Generator: "schedule",
		WatchLists: []watch.WatchList{
			{ID: "ume", Name: "Unlicensed music events", Severity: "high", Terms: []string{"rave", "free party"}},
			{ID: "drill", Name: "Drill", Severity: "critical", Query: `(drill OR grime) AND ("pull up" OR rave*) -football`},
		},
		Sources:  []watch.BriefingSource{{ID: "local", Name: "Local feed", Kind: "feed", State: "ok", LastSuccess: at}},
		HitCount: 3,
		KeyHits: []watch.HitView{
			hit(1, "Rave at the warehouse",
				watch.Annotation{Author: "pc1", Kind: watch.AnnotationAck},
				watch.Annotation{Author: "pc2", Kind: watch.AnnotationFlag, Tags: []string{"ume"}},
				watch.Annotation{Author: "pc3", Kind: watch.AnnotationEscalate, Team: "North SNT", Note: "Venue known"}),
			hit(2, "Free party Saturday", watch.Annotation{Author: "pc1", Kind: watch.AnnotationNote, Note: "Checked with licensing"},
				watch.Annotation{Author: "pc4", Kind: watch.AnnotationNotRelevant}),
			hit(3, "Another rave"),
		},
		TopTerms: []watch.Count{{Label: "rave", N: 3}},
		BySource: []watch.Count{{Label: "local", N: 3}},
		Alerts:   []watch.Alert{{RuleID: "ume-hit", RuleName: "UME hit", State: "acknowledged", Summary: "3 hits", AckedBy: "pc1"}},
		Note:     watch.BriefingNote{Summary: "Expect 300 people.", Recommendations: "Patrol from 22:00.", Author: "an1"},
	}
}

// The briefing document, as delivered (its online variant, so the golden
// file holds the document and not the chart library). Run with -update to
// rewrite testdata/briefing_doc.html.
func TestBriefingDocumentGolden(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(o *Options) { o.Location = loc })
	got, err := e.srv.RenderBriefing(goldenBriefing(), 2, false)
	if err != nil {
		t.Fatal(err)
	}
	watchtest.Golden(t, "briefing_doc.html", got)

	doc := string(got)
	for _, want := range []string{
		// a list written as a query states its terms and its exclusions
		`<strong>Drill</strong> (critical): drill, grime, &#34;pull up&#34;, rave*; excluding football</li>`,
		`<strong>Unlicensed music events</strong> (high): rave, free party</li>`,
		// what officers did, in words; an escalation names its team
		`<p>pc1 acknowledged</p>`, `<p>pc2 flagged for referral to the platform [ume]</p>`,
		`<p>pc3 escalated to North SNT: Venue known</p>`, `<p>pc4 marked not relevant</p>`,
		`<p>pc1: Checked with licensing</p>`,
		// one time format, the zone shown
		`<dd>28 Nov 2026 18:00:00 GMT</dd>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if strings.Contains(doc, ":</p>") {
		t.Error(`an officer's line ends in ":" with nothing after`)
	}
}

// A key hit's title, text and link written with direction and invisible
// characters show them as tokens in the document, as on the board.
func TestBriefingDocumentRevealsDirection(t *testing.T) {
	e := newEnvWith(t, nil)
	b := goldenBriefing()
	b.KeyHits[0].Item.Title = "rave flyer safe\u202egnp.exe"
	b.KeyHits[0].Item.Text = "ra\u200bve tonight"
	b.KeyHits[0].Item.URL = "https://example.org/\u202egpj.exe"
	got, err := e.srv.RenderBriefing(b, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(got)
	for _, want := range []string{"rave flyer safe[RLO]gnp.exe", "ra[ZWSP]ve tonight", "https://example.org/[RLO]gpj.exe"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q", want)
		}
	}
	if strings.ContainsAny(doc, "\u202e\u200b") {
		t.Error("a raw direction or invisible character is in the document")
	}
}
