package source

import (
	"regexp"
	"strings"
	"time"
)

// pageDateLayouts are the ways web pages write dates, tried on a date's
// whole text and then on date-like parts of it. Zone-less ones are read in
// the source's zone (option "timezone", else UTC).
var pageDateLayouts = []string{
	time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04",
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC,
	"Monday, January 2, 2006 3:04 PM", "Monday, January 2, 2006", "Mon, Jan 2, 2006",
	"January 2, 2006 3:04 PM", "January 2, 2006 at 3:04 PM", "January 2, 2006 15:04", "January 2, 2006",
	"Jan 2, 2006 3:04 PM", "Jan 2, 2006 15:04", "Jan 2, 2006",
	"Monday 2 January 2006", "2 January 2006 15:04", "2 January 2006", "2 Jan 2006 15:04", "2 Jan 2006",
}

// pageDateParts find dates inside longer text: ISO dates (with a time when
// there is one), "June 6, 2023" and "6 June 2023".
var pageDateParts = []*regexp.Regexp{
	regexp.MustCompile(`\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?`),
	regexp.MustCompile(`(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4}`),
	regexp.MustCompile(`(?i)\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]* \d{4}`),
}

// maxDateText bounds the text searched for a date.
const maxDateText = 200

// pageDate reads a date written on a web page: with layouts when the
// source gives them (option "date_format"), else by trying the usual
// forms on the whole text and then on the first date-like part of it.
// Zero when nothing fits.
func pageDate(s string, layouts []string, loc *time.Location) time.Time {
	s = cleanText(s)
	if s == "" || len(s) > maxDateText {
		return time.Time{}
	}
	if len(layouts) > 0 {
		return parseIn(s, layouts, loc)
	}
	if t := parseIn(s, pageDateLayouts, loc); !t.IsZero() {
		return t
	}
	first := -1
	var part string
	for _, re := range pageDateParts {
		if loc := re.FindStringIndex(s); loc != nil && (first < 0 || loc[0] < first) {
			first, part = loc[0], s[loc[0]:loc[1]]
		}
	}
	if first < 0 {
		return time.Time{}
	}
	// "Sept." and friends: the layouts know "Sep" and "September".
	part = strings.Replace(part, ".", "", 1)
	return parseIn(part, pageDateLayouts, loc)
}

// parseIn tries layouts on s; a zone-less layout reads s in loc.
func parseIn(s string, layouts []string, loc *time.Location) time.Time {
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return saneTime(t)
		}
	}
	return time.Time{}
}
