package source

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/watchroom/watchroom/watch"
)

// icalParser reads iCalendar feeds of events: each VEVENT becomes an item
// with its summary, description, start, end, location and URL. Times are
// read in their own zones: an IANA TZID, the calendar's VTIMEZONE (by its
// X-LIC-LOCATION or its own rules), a Windows zone name or Outlook's
// "(UTC+10:00) Canberra, Melbourne, Sydney"; floating times and dates are
// read in option "timezone", else the calendar's X-WR-TIMEZONE, else UTC.
// Recurring events are one item each, starting at their first occurrence.
//
// github.com/arran4/golang-ical reads the components and properties. Before
// it does, icalSplit repairs what real exports get wrong and what a hostile
// body could use against a recursive parser: see there.
type icalParser struct{}

// Parse reads every VEVENT of every VCALENDAR in body. A body without a
// calendar that can be read wraps ErrUnparseable.
func (icalParser) Parse(ctx context.Context, body []byte, m Meta) ([]watch.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cals, err := icalSplit(body)
	if err != nil {
		return nil, err
	}
	var items []watch.Item
	var errs []error
	for _, text := range cals {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cal, err := parseCalendar(text)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		zones := newICalZones(cal, icalDefaultZone(cal, m.Options))
		for _, ev := range cal.Events() {
			if len(items) == maxItems {
				return items, nil
			}
			items = append(items, icalItem(ev, zones, m))
		}
	}
	if len(items) == 0 && len(errs) > 0 {
		return nil, fmt.Errorf("%w: %w", ErrUnparseable, errors.Join(errs...))
	}
	return items, nil
}

// parseCalendar runs the library on one repaired VCALENDAR. A panic on
// hostile input costs this calendar, not the process.
func parseCalendar(text string) (cal *ics.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("calendar parser failed: %v", r)
		}
	}()
	cal, err = ics.ParseCalendarWithOptions(strings.NewReader(text),
		ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return cal, nil
}

// icalDefaultZone is where floating times are read: option "timezone",
// else the calendar's X-WR-TIMEZONE, else UTC.
func icalDefaultZone(cal *ics.Calendar, opts map[string]string) *time.Location {
	if _, ok := opts["timezone"]; ok {
		return optionZone(opts, "timezone")
	}
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == "X-WR-TIMEZONE" {
			if loc := ianaZone(p.Value); loc != nil {
				return loc
			}
		}
	}
	return time.UTC
}

func icalItem(ev *ics.VEvent, zones *icalZones, m Meta) watch.Item {
	item := watch.Item{
		SourceID: m.SourceID,
		Title:    truncate(plainText(icalValue(ev, "SUMMARY")), maxTitle),
		Text:     truncate(plainText(firstNonEmpty(icalValue(ev, "DESCRIPTION"), icalValue(ev, "X-ALT-DESC"))), maxText),
		Location: truncate(plainText(icalValue(ev, "LOCATION")), maxTitle),
		URL:      absURL(icalValue(ev, "URL"), nil), // a relative URL has nothing to be relative to
		Author:   truncate(icalOrganizer(ev), maxAuthor),
		Found:    m.Found,
	}
	if p := ev.GetProperty("SUMMARY"); p != nil {
		item.Language = language(param(p, "LANGUAGE"))
	}
	start, allDay := zones.propTime(ev.GetProperty("DTSTART"))
	item.EventStart = start
	item.EventEnd, _ = zones.propTime(ev.GetProperty("DTEND"))
	if item.EventEnd.IsZero() && !start.IsZero() {
		if d, ok := icalDuration(icalValue(ev, "DURATION")); ok {
			item.EventEnd = start.Add(d)
		} else if allDay {
			item.EventEnd = start.AddDate(0, 0, 1)
		}
	}
	for _, name := range []string{"CREATED", "LAST-MODIFIED"} {
		if t, _ := zones.propTime(ev.GetProperty(ics.ComponentProperty(name))); !t.IsZero() {
			item.Published = t.UTC()
			break
		}
	}
	media := mediaList{}
	for _, a := range ev.GetProperties("ATTACH") {
		media.add(a.Value)
	}
	item.MediaLinks = media.links

	uid := icalValue(ev, "UID")
	if uid != "" {
		if rid := icalValue(ev, "RECURRENCE-ID"); rid != "" {
			uid += "#" + rid
		}
		item.Key = itemKey(uid, item)
	} else {
		item.Key = hashKey(item.Title + "\n" + icalValue(ev, "DTSTART") + "\n" + item.Location + "\n" + item.URL)
	}
	return item
}

// icalValue is the value of the component's first property name.
func icalValue(ev *ics.VEvent, name string) string {
	if p := ev.GetProperty(ics.ComponentProperty(name)); p != nil {
		return strings.TrimSpace(p.Value)
	}
	return ""
}

func param(p *ics.IANAProperty, name string) string {
	if vs := p.ICalParameters[name]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// icalOrganizer is the organizer's name, else the address.
func icalOrganizer(ev *ics.VEvent) string {
	p := ev.GetProperty("ORGANIZER")
	if p == nil {
		return ""
	}
	if cn := plainText(param(p, "CN")); cn != "" {
		return cn
	}
	v := strings.TrimSpace(p.Value)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return plainText(v)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// icalDuration reads an RFC 5545 duration such as PT1H30M, P1D or -P1W.
func icalDuration(s string) (time.Duration, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	sign := time.Duration(1)
	switch {
	case strings.HasPrefix(s, "-"):
		sign, s = -1, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	if !strings.HasPrefix(s, "P") || len(s) < 3 || len(s) > 32 {
		return 0, false
	}
	var d time.Duration
	n, inTime, digits := 0, false, false
	units := map[byte]time.Duration{'W': 7 * 24 * time.Hour, 'D': 24 * time.Hour}
	timeUnits := map[byte]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n > 1e6 {
				return 0, false
			}
			n, digits = n*10+int(c-'0'), true
		case c == 'T' && !inTime:
			inTime = true
		default:
			unit, ok := units[c]
			if inTime {
				unit, ok = timeUnits[c]
			}
			if !ok || !digits {
				return 0, false
			}
			d += time.Duration(n) * unit
			n, digits = 0, false
		}
	}
	if digits || d > 5*365*24*time.Hour {
		return 0, false
	}
	return sign * d, true
}

// checkSource checks the zone for floating times.
func (icalParser) checkSource(_ *url.URL, opts map[string]string) []error {
	errs := knownKeys(KindICal, opts, "timezone")
	return append(errs, checkZone(opts, "timezone")...)
}
