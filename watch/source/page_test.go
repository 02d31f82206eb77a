package source_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestPageCorpus(t *testing.T) {
	tests := []struct {
		file, url, contentType string
		opts                   map[string]string
		count                  int
		items                  []want
	}{
		// Dates without a year in the text, but in the links' titles.
		{file: "chicago_police_board_meetings.html", url: "https://www.chicago.gov/city/en/depts/cpb/provdrs/public_meetings.html",
			opts:  map[string]string{"item": ".page-full-description p[style]", "title": ":scope", "link": "a", "date": "a", "timezone": "America/Chicago"},
			count: 12,
			items: []want{
				{i: 0, title: "Thursday, January 19: Blue Book, Transcript", lang: "en", pub: "2017-01-19T06:00:00Z",
					url: "https://www.chicago.gov/content/dam/city/depts/cpb/PubMtgMinutes/BlueBook01192017.pdf",
					key: "https://www.chicago.gov/content/dam/city/depts/cpb/PubMtgMinutes/BlueBook01192017.pdf"},
				// Summer time in Chicago: UTC-5.
				{i: 6, title: "Thursday, July 20: Blue Book, Transcript", pub: "2017-07-20T05:00:00Z"},
				// "10 Aug 17": a two-digit year is not read as a date.
				{i: 7, title: "Thursday, August 10: Blue Book, Transcript", pub: "zero"},
				// No link yet: the page itself.
				{i: 11, title: "Thursday, December 14 (second Thursday)", pub: "zero",
					url: "https://www.chicago.gov/city/en/depts/cpb/provdrs/public_meetings.html"},
			}},
		{file: "chicago_police_district_council_001.html", url: "https://www.chicago.gov/city/en/depts/ccpsa/supp_info/district-councils/001.html",
			opts:  map[string]string{"item": "li.list-item", "title": ".llcontent p", "link": ".llcontent a", "date": ".llcontent a", "timezone": "America/Chicago"},
			count: 5,
			items: []want{
				{i: 0, title: "June 6, 2023", pub: "2023-06-06T05:00:00Z",
					url: "https://www.chicago.gov/content/dam/city/depts/ccpsa/district-council-agendas/dc-001/notices-and-agendas/Notice-and-Agenda-001-2023-06-06.pdf"},
				{i: 1, title: "June 1, 2023 - Special", pub: "2023-06-01T05:00:00Z",
					url: "https://www.chicago.gov/content/dam/city/depts/ccpsa/district-council-agendas/dc-001/notices-and-agendas/Notice-and-Agenda-001-2023.06.01-special.pdf"},
				{i: 4, title: "May 9, 2023", pub: "2023-05-09T05:00:00Z",
					url: "https://www.chicago.gov/content/dam/city/depts/ccpsa/district-council-agendas/dc-001/bylaws/Bylaws-001-2023-05-09.pdf"},
			}},
		// One event's own page: the item is the document; the link is the
		// canonical URL in <head>.
		{file: "detroit_board_of_police_commissioners_event.html", url: "https://detroitmi.gov/node/12345",
			opts: map[string]string{"item": "html", "title": "h1.page-header", "link": "link[rel=canonical]",
				"date": ".event-preview-top time", "text": "article.description", "location": ".location-info"},
			count: 1,
			items: []want{{i: 0, title: "Board of Police Commissioners - 2-28-19", lang: "en", pub: "2019-02-28T12:00:00Z",
				key:     "https://detroitmi.gov/events/board-police-commissioners-2-28-19",
				url:     "https://detroitmi.gov/events/board-police-commissioners-2-28-19",
				where:   "Detroit Public Safety Headquarters 1301 3rd Street Detroit, MI 48226",
				textHas: "The Detroit Board of Police Commissioners has scheduled meeting to be held on Thursday, February 28, 2019 at 3:00 pm"}},
		},
		// HTML 4, Latin-1; most rows have no link; the date is loose text.
		{file: "rta_upcoming_meetings_html4_latin1.html", url: "http://rtachicago.granicus.com/ViewPublisher.php?view_id=5",
			contentType: "text/html; charset=iso-8859-1",
			opts:        map[string]string{"item": "#upcoming div.row", "title": "span.committee", "link": "a[href]", "date": "div.col-lg-5", "timezone": "America/Chicago"},
			count:       11,
			items: []want{
				{i: 0, title: "Board of Directors on 2018-06-21 - (following Committee meetings)", pub: "2018-06-21T05:00:00Z", lang: "",
					url: "http://rtachicago.granicus.com/ViewPublisher.php?view_id=5#Board-of-Directors-on-2018-06-21----(following-Committee-meetings)"},
				{i: 1, title: "Audit Committee on 2018-06-21 - (following Finance Committee)",
					key: "http://rtachicago.granicus.com/AgendaViewer.php?view_id=5&event_id=325",
					url: "http://rtachicago.granicus.com/AgendaViewer.php?view_id=5&event_id=325"},
				{i: 9, title: "Finance Committee on 2018-11-28 - 9:00 a.m.", pub: "2018-11-28T06:00:00Z"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := parsePath(t, source.KindPage, corpusFile("html", tt.file), source.Meta{URL: tt.url, ContentType: tt.contentType, Options: tt.opts})
			if len(page.Items) != tt.count {
				t.Fatalf("%d items, want %d", len(page.Items), tt.count)
			}
			for _, w := range tt.items {
				checkWant(t, page.Items, w)
			}
			if page.Next != "" {
				t.Errorf("Next = %q without a next selector", page.Next)
			}
		})
	}

	// The page lists one meeting twice: the same key, which the poller
	// and the store record once.
	page := parsePath(t, source.KindPage, corpusFile("html", "rta_upcoming_meetings_html4_latin1.html"),
		source.Meta{URL: tests[3].url, Options: tests[3].opts})
	if page.Items[0].Key != page.Items[3].Key || page.Items[0].Key == page.Items[4].Key || !strings.HasPrefix(page.Items[0].Key, "sha256:") {
		t.Errorf("keys %q %q %q", page.Items[0].Key, page.Items[3].Key, page.Items[4].Key)
	}
}

func TestPageEdgeCases(t *testing.T) {
	opts := map[string]string{"item": "li.event", "title": "h2", "link": "h2 a", "date": "time, .date", "text": ".desc",
		"author": ".by", "location": ".where", "next": "a.next", "timezone": "Europe/Berlin"}
	page := parsePath(t, source.KindPage, filepath.Join("testdata", "page_edge.html"), source.Meta{URL: "https://site.example/list", Options: opts})
	if len(page.Items) != 5 {
		t.Fatalf("%d items, want 5 (the empty one skipped)", len(page.Items))
	}
	for _, w := range []want{
		// Relative to <base href>; markup and script gone; the datetime
		// attribute read with its offset.
		{i: 0, key: "https://base.example/events/one.html", url: "https://base.example/events/one.html", title: "Demo am Rathaus",
			textIs: "Treffpunkt Rathaus, dann Marsch", author: "Orga Team", where: "Marktplatz 1, Köln", lang: "de",
			pub: "2026-05-01T16:00:00Z"},
		// A javascript: link is no link: the item points at its id on the
		// page. A zone-less date is read in the source's zone.
		{i: 1, url: "https://site.example/list#ev2", title: "Sicherer Link?", pub: "2026-04-30T22:00:00Z", noAuthor: true},
		{i: 2, url: "https://base.example/register", title: "Anmelden A"},
		{i: 3, url: "https://base.example/register", title: "Anmelden B"},
		{i: 4, url: "https://other.example/x", key: "https://other.example/x", pub: "zero"},
	} {
		checkWant(t, page.Items, w)
	}
	// Two items sharing one link get keys of their own.
	if k2, k3 := page.Items[2].Key, page.Items[3].Key; k2 == k3 || !strings.HasPrefix(k2, "sha256:") || !strings.HasPrefix(k3, "sha256:") {
		t.Errorf("shared-link keys %q %q", k2, k3)
	}
	if page.Next != "https://base.example/events/?page=2" {
		t.Errorf("Next = %q", page.Next)
	}

	// A layout of the source's own.
	body := []byte(`<div class="e"><a href="/a">A</a><span>01.05.2026 19:30</span></div>`)
	dated, err := parseAs(t, source.KindPage, body, source.Meta{URL: "https://site.example/",
		Options: map[string]string{"item": ".e", "title": "a", "link": "a", "date": "span", "date_format": "2006-01-02 | 02.01.2006 15:04", "timezone": "Europe/Berlin"}})
	if err != nil || len(dated.Items) != 1 {
		t.Fatalf("date_format: %v, %d items", err, len(dated.Items))
	}
	checkWant(t, dated.Items, want{i: 0, pub: "2026-05-01T17:30:00Z", url: "https://site.example/a"})

	// An item selector that matches nothing: no items, no error.
	none, err := parseAs(t, source.KindPage, body, source.Meta{URL: "https://site.example/",
		Options: map[string]string{"item": ".nothing", "title": "a", "link": "a"}})
	if err != nil || len(none.Items) != 0 {
		t.Errorf("no match: %v, %d items", err, len(none.Items))
	}
}

func TestPageOptionErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		opts map[string]string
		says string
	}{
		"no options":   {nil, `option "item": a page source needs the item selector`},
		"no link":      {map[string]string{"item": "li", "title": "a"}, `option "link": a page source needs the link selector`},
		"bad selector": {map[string]string{"item": "li[", "title": "a", "link": "a"}, `option "item": bad CSS selector "li["`},
		"bad zone":     {map[string]string{"item": "li", "title": "a", "link": "a", "timezone": "Mars/Olympus"}, `option "timezone": unknown time zone "Mars/Olympus"`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseAs(t, source.KindPage, []byte(`<li><a href="/x">x</a></li>`), source.Meta{URL: "https://site.example/", Options: tc.opts})
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("err = %v, want it to say %q", err, tc.says)
			}
			if errors.Is(err, source.ErrUnparseable) {
				t.Errorf("a problem of the options is not one of the content: %v", err)
			}
		})
	}
}

func FuzzPageParse(f *testing.F) {
	seedCorpus(f, "page", "html", "telegram")
	opts := map[string]string{"item": "li, tr, .row, article", "title": ":scope", "link": "a", "date": "time, .date",
		"text": "p", "author": ".by", "location": ".where", "next": "a[rel=next]", "timezone": "Europe/London"}
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindPage, body, source.Meta{URL: "https://site.example/list", Options: opts})
	})
}
