package source_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestICalCorpus(t *testing.T) {
	tests := []struct {
		file  string
		count int
		items []want
	}{
		// TZID=America/Phoenix with a VTIMEZONE: MST all year.
		{file: "meetup_phoenix_drupal.ics", count: 1, items: []want{{i: 0, key: "event_nsmxnyppbfc@meetup.com",
			title: "Phoenix Drupal User Group Monthly Meetup", url: "http://www.meetup.com/Phoenix-Drupal-User-Group/events/33627272/",
			start: "2011-11-09T19:00:00-07:00", end: "2011-11-09T21:00:00-07:00", pub: "2010-06-30T08:30:23Z",
			where:   "Open Source Project Tempe (1415 E University Dr. #103A, Tempe, AZ 85281)",
			textHas: "Phoenix Drupal User Group Wednesday, November 9 at 7:00 PM Customizing node display with template pages in Drupal 6 Jon Sheehan and Matthew Berry",
			media:   []string{}}}},
		// Outlook display names as TZIDs and no VTIMEZONE: Sydney is on
		// summer time (UTC+11) in late October, New York leaves it on
		// 1 November.
		{file: "exchange_owa_windows_tzid.ics", count: 4, items: []want{
			{i: 0, title: "TEST Syd", start: "2020-10-28T13:30:00+11:00", end: "2020-10-28T15:00:00+11:00", pub: "zero", noURL: true},
			{i: 1, title: "TEST", start: "2020-10-28T13:30:00-04:00", end: "2020-10-28T15:00:00-04:00"},
			{i: 2, title: "TEST 3", start: "2020-11-02T13:30:00-05:00"},
			{i: 3, title: "TEST2", start: "2020-11-02T13:30:00-05:00", end: "2020-11-02T15:00:00-05:00"},
		}},
		// No VERSION, VALUE=DATE on date-times, no UIDs, "URL:F".
		{file: "festival_no_version_value_date_mismatch.ics", count: 128, items: []want{
			{i: 0, title: "foobar Summer 2011 starts!", where: "All Areas", noURL: true,
				start: "2011-08-04T12:00:00Z", end: "2011-08-04T12:00:00Z"},
			{i: 1, title: "Main entrance opened", where: "Main entrance", url: "http://www.foobar.org/summer11/come-to-party/entry-setup"},
			{i: 7, title: "Oldskool demo, individual and 4k intro compo deadline", where: "PMS", start: "2011-08-04T22:00:00Z"},
			{i: 127, title: "ARTtech seminars - Deconstructing a browserscene demo", where: "Seminar area",
				url: "http://www.foobar.org/summer11/seminars/sessions#webgl2"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			page := parsePath(t, source.KindICal, corpusFile("ical", tt.file), source.Meta{URL: "https://calendar.example/feed.ics"})
			if len(page.Items) != tt.count {
				t.Fatalf("%d items, want %d", len(page.Items), tt.count)
			}
			for _, w := range tt.items {
				checkWant(t, page.Items, w)
			}
			keys := map[string]bool{}
			for _, it := range page.Items {
				keys[it.Key] = true
			}
			if tt.count > 1 && len(keys) < 2 {
				t.Errorf("every event has the key %q", page.Items[0].Key)
			}
		})
	}
}

func TestICalEdgeCases(t *testing.T) {
	page := parsePath(t, source.KindICal, filepath.Join("testdata", "ical_edge.ics"), source.Meta{URL: "https://calendar.example/edge.ics"})
	if len(page.Items) != 10 {
		t.Fatalf("%d items, want 10", len(page.Items))
	}
	for _, w := range []want{
		// The calendar's own rules for a made-up TZID: winter and summer.
		{i: 0, key: "winter@edge", title: "Réunion d'hiver", lang: "fr", start: "2026-01-15T10:00:00+01:00", end: "2026-01-15T12:00:00+01:00"},
		{i: 1, key: "summer@edge", start: "2026-07-15T10:00:00+02:00", end: "2026-07-15T11:30:00+02:00"},
		{i: 2, key: "paris@edge", start: "2026-07-15T10:00:00+02:00"},
		{i: 3, key: "mozilla@edge", start: "2026-03-01T09:00:00-05:00"},
		{i: 4, key: "windows@edge", start: "2026-07-15T10:00:00+02:00"},
		{i: 5, key: "offset@edge", start: "2026-07-15T10:00:00+05:30"},
		// What cannot be resolved, and floating times, are read in the
		// calendar's X-WR-TIMEZONE.
		{i: 6, key: "unknown@edge", start: "2026-07-15T10:00:00+01:00"},
		{i: 7, key: "floating@edge", start: "2026-07-15T10:00:00+01:00"},
		{i: 8, key: "allday@edge", start: "2026-07-16T00:00:00+01:00", end: "2026-07-17T00:00:00+01:00"},
		// Lower-case names, escapes, HTML, a fold and a line wrapped
		// without one, an unsafe URL and a file attachment.
		{i: 9, key: "series@edge#20260801T090000", title: "Moved occurrence, lower-case name",
			start: "2026-08-02T08:00:00Z", textIs: "First line second line with markup folded on wrapped without a fold",
			noURL: true, where: "Hall 2; back entrance", author: "Events Team", pub: "2026-01-01T12:00:00Z",
			media: []string{"https://example.org/poster.pdf"}},
	} {
		checkWant(t, page.Items, w)
	}

	// Option timezone wins over X-WR-TIMEZONE for floating times.
	ny := parsePath(t, source.KindICal, filepath.Join("testdata", "ical_edge.ics"),
		source.Meta{URL: "https://calendar.example/edge.ics", Options: map[string]string{"timezone": "America/New_York"}})
	checkWant(t, ny.Items, want{i: 7, start: "2026-07-15T10:00:00-04:00"})
	checkWant(t, ny.Items, want{i: 0, start: "2026-01-15T10:00:00+01:00"})

	// Concatenated calendars, junk around them, a stray END, a download cut
	// off mid-event.
	cut := parsePath(t, source.KindICal, filepath.Join("testdata", "ical_cut.ics"), source.Meta{URL: "https://calendar.example/cut.ics"})
	if len(cut.Items) != 3 {
		t.Fatalf("cut: %d items, want 3", len(cut.Items))
	}
	checkWant(t, cut.Items, want{i: 0, key: "first@cut", start: "2026-03-01T10:00:00Z"})
	checkWant(t, cut.Items, want{i: 1, key: "second@cut", title: "Complete event"})
	checkWant(t, cut.Items, want{i: 2, key: "third@cut", title: "Cut off mid-event", start: "zero"})
}

// TestICalZoneRules reads times in a VTIMEZONE's own rules on either side
// of its changes (US rules under a name no zone database knows).
func TestICalZoneRules(t *testing.T) {
	cal := strings.ReplaceAll(`BEGIN:VCALENDAR
BEGIN:VTIMEZONE
TZID:Eastern (custom)
BEGIN:DAYLIGHT
DTSTART:20070311T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
END:DAYLIGHT
BEGIN:STANDARD
DTSTART:20071104T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
END:STANDARD
END:VTIMEZONE
BEGIN:VEVENT
UID:a
DTSTART;TZID=Eastern (custom):20260308T013000
END:VEVENT
BEGIN:VEVENT
UID:b
DTSTART;TZID=Eastern (custom):20260308T033000
END:VEVENT
BEGIN:VEVENT
UID:c
DTSTART;TZID=Eastern (custom):20261101T003000
END:VEVENT
BEGIN:VEVENT
UID:d
DTSTART;TZID=Eastern (custom):20261102T120000
END:VEVENT
BEGIN:VEVENT
UID:e
DTSTART;TZID=Eastern (custom):20000101T120000
END:VEVENT
END:VCALENDAR
`, "\n", "\r\n")
	page, err := parseAs(t, source.KindICal, []byte(cal), source.Meta{})
	if err != nil || len(page.Items) != 5 {
		t.Fatalf("%v, %d items", err, len(page.Items))
	}
	for _, w := range []want{
		{i: 0, key: "a", start: "2026-03-08T01:30:00-05:00"},
		{i: 1, key: "b", start: "2026-03-08T03:30:00-04:00"},
		{i: 2, key: "c", start: "2026-11-01T00:30:00-04:00"},
		{i: 3, key: "d", start: "2026-11-02T12:00:00-05:00"},
		// Before the rules begin: the earliest observance's offset from.
		{i: 4, key: "e", start: "2000-01-01T12:00:00-05:00"},
	} {
		checkWant(t, page.Items, w)
	}
	if name, _ := page.Items[1].EventStart.Zone(); name != "EDT" {
		t.Errorf("zone name %q, want the VTIMEZONE's EDT", name)
	}
}

func TestICalUnparseable(t *testing.T) {
	deep := "BEGIN:VCALENDAR\r\n" + strings.Repeat("BEGIN:X\r\n", 2000) + "END:VCALENDAR\r\n"
	unparseable(t, source.KindICal, source.Meta{URL: "https://calendar.example/x.ics"}, map[string]struct{ body, says string }{
		"html":          {`<html><body>Calendar moved</body></html>`, "no VCALENDAR in the body"},
		"empty":         {``, "no VCALENDAR in the body"},
		"deep nesting":  {deep, "nested more than 8 deep"},
		"bad parameter": {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"unterminated:20260101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "calendar:"},
	})
}

func FuzzICalParse(f *testing.F) {
	seedCorpus(f, "ical", "ical")
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindICal, body, source.Meta{URL: "https://calendar.example/x.ics"})
	})
}
