package source

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// icalZones reads the times of one calendar: it knows the calendar's
// VTIMEZONE definitions and where floating times are read.
type icalZones struct {
	defs     map[string]*vtimezone
	fallback *time.Location
	cache    map[string]*time.Location // resolved TZIDs; nil: none
}

// vtimezone is a VTIMEZONE: its X-LIC-LOCATION (an IANA name, when the
// exporter gave one) and its observances.
type vtimezone struct {
	lic  string
	obs  []observance
	name string
}

// observance is a STANDARD or DAYLIGHT part of a VTIMEZONE: from its
// onsets on, the offset is to.
type observance struct {
	start    time.Time // DTSTART, a wall time (in UTC fields)
	from, to int       // offsets in seconds east of UTC
	name     string
	rule     *yearlyRule
	rdates   []time.Time
}

// yearlyRule is the RRULE of an observance: FREQ=YEARLY in one month, on
// a weekday of a week (BYDAY=-1SU) or a day of the month.
type yearlyRule struct {
	month    time.Month
	week     int // 1..5, or -1..-5 counting from the month's end; 0: use day
	weekday  time.Weekday
	day      int // BYMONTHDAY, negative from the month's end
	until    time.Time
	hasUntil bool
}

func newICalZones(cal *ics.Calendar, fallback *time.Location) *icalZones {
	z := &icalZones{defs: map[string]*vtimezone{}, fallback: fallback, cache: map[string]*time.Location{}}
	for _, c := range cal.Components {
		tz, ok := c.(*ics.VTimezone)
		if !ok {
			continue
		}
		def := &vtimezone{}
		for _, p := range tz.Properties {
			switch p.IANAToken {
			case "TZID":
				def.name = strings.TrimSpace(p.Value)
			case "X-LIC-LOCATION":
				def.lic = strings.TrimSpace(p.Value)
			}
		}
		for _, sub := range tz.Components {
			if o, ok := newObservance(sub); ok {
				def.obs = append(def.obs, o)
			}
		}
		if def.name != "" && len(z.defs) < 64 {
			z.defs[def.name] = def
		}
	}
	return z
}

func newObservance(c ics.Component) (observance, bool) {
	var props []ics.IANAProperty
	switch s := c.(type) {
	case *ics.Standard:
		props = s.Properties
	case *ics.Daylight:
		props = s.Properties
	default:
		return observance{}, false
	}
	var o observance
	var haveTo bool
	for _, p := range props {
		v := strings.TrimSpace(p.Value)
		switch p.IANAToken {
		case "DTSTART":
			o.start, _ = icalWall(v)
		case "TZOFFSETFROM":
			o.from, _ = icalOffset(v)
		case "TZOFFSETTO":
			o.to, haveTo = icalOffset(v)
		case "TZNAME":
			o.name = truncate(cleanText(v), 16)
		case "RRULE":
			o.rule = parseYearlyRule(v)
		case "RDATE":
			for _, d := range strings.Split(v, ",") {
				if t, ok := icalWall(d); ok && len(o.rdates) < 100 {
					o.rdates = append(o.rdates, t)
				}
			}
		}
	}
	return o, haveTo
}

// propTime reads a DATE or DATE-TIME property in its zone. allDay is true
// for a DATE. A VALUE=DATE parameter on a value with a time (seen in the
// wild) is believed less than the value.
func (z *icalZones) propTime(p *ics.IANAProperty) (t time.Time, allDay bool) {
	if p == nil {
		return time.Time{}, false
	}
	v := strings.TrimSpace(p.Value)
	if i := strings.IndexByte(v, ','); i >= 0 {
		v = v[:i] // a list (RDATE, EXDATE): the first
	}
	wall, ok := icalWall(v)
	if !ok {
		return time.Time{}, false
	}
	switch {
	case strings.HasSuffix(v, "Z"):
		return saneTime(wall), false
	case len(v) == 8:
		return z.keep(z.in(z.fallback, wall)), true
	}
	tzid := param(p, "TZID")
	if tzid == "" {
		return z.keep(z.in(z.fallback, wall)), false
	}
	return z.keep(z.at(tzid, wall)), false
}

// keep bounds t like saneTime but keeps its zone, which a board shows.
func (z *icalZones) keep(t time.Time) time.Time {
	if saneTime(t).IsZero() {
		return time.Time{}
	}
	return t
}

// in reads a wall time in loc.
func (z *icalZones) in(loc *time.Location, wall time.Time) time.Time {
	return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
}

// at reads a wall time in the zone tzid names; see icalParser for the
// order in which names are tried.
func (z *icalZones) at(tzid string, wall time.Time) time.Time {
	tzid = strings.Trim(strings.TrimSpace(tzid), `"'`)
	if loc := z.location(tzid); loc != nil {
		return z.in(loc, wall)
	}
	if def := z.defs[tzid]; def != nil && len(def.obs) > 0 {
		off, name := def.offsetAt(wall)
		return z.in(time.FixedZone(name, off), wall)
	}
	if off, ok := gmtOffset(tzid); ok {
		return z.in(time.FixedZone("", off), wall)
	}
	return z.in(z.fallback, wall)
}

// location resolves tzid to a zone of the zone database, or nil.
func (z *icalZones) location(tzid string) *time.Location {
	if loc, ok := z.cache[tzid]; ok {
		return loc
	}
	loc := ianaZone(tzid)
	if loc == nil {
		if def := z.defs[tzid]; def != nil {
			loc = ianaZone(def.lic)
		}
	}
	if loc == nil {
		loc = windowsZone(tzid)
	}
	if len(z.cache) < 256 {
		z.cache[tzid] = loc
	}
	return loc
}

// ianaName is the form of a zone database name.
var ianaName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+){0,2}$`)

// ianaZone loads an IANA zone name, also as the tail of the paths some
// exporters prefix ("/mozilla.org/20050126_1/America/New_York"); nil when
// it is none. "Local" is not a zone a source can mean.
func ianaZone(name string) *time.Location {
	name = strings.TrimSpace(name)
	if len(name) > 128 {
		return nil
	}
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for n := min(3, len(parts)); n >= 1; n-- {
		cand := strings.Join(parts[len(parts)-n:], "/")
		if cand == "Local" || !ianaName.MatchString(cand) {
			continue
		}
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc
		}
		if n == len(parts) {
			break // the whole name is not a zone; a shorter tail of it is not meant
		}
	}
	return nil
}

// offsetAt is the offset in force at a wall time: that of the observance
// whose latest onset is the latest at or before it; before every onset,
// the earliest observance's offset from.
func (def *vtimezone) offsetAt(wall time.Time) (int, string) {
	best, bestAt := -1, time.Time{}
	earliest := 0
	for i, o := range def.obs {
		if o.start.Before(def.obs[earliest].start) {
			earliest = i
		}
		if on, ok := o.lastOnset(wall); ok && (best < 0 || on.After(bestAt)) {
			best, bestAt = i, on
		}
	}
	if best < 0 {
		return def.obs[earliest].from, def.obs[earliest].name
	}
	return def.obs[best].to, def.obs[best].name
}

// lastOnset is the observance's latest onset at or before wall.
func (o observance) lastOnset(wall time.Time) (time.Time, bool) {
	var last time.Time
	found := false
	consider := func(t time.Time) {
		if !t.Before(o.start) && !t.After(wall) && (!found || t.After(last)) {
			last, found = t, true
		}
	}
	consider(o.start)
	for _, d := range o.rdates {
		consider(d)
	}
	if r := o.rule; r != nil {
		for y := wall.Year(); y >= wall.Year()-1; y-- {
			on, ok := r.onset(y, o.start)
			if ok && (!r.hasUntil || !on.After(r.until)) {
				consider(on)
			}
		}
	}
	return last, found
}

// onset is the rule's date in year, at the time of day of start.
func (r *yearlyRule) onset(year int, start time.Time) (time.Time, bool) {
	h, m, s := start.Clock()
	first := time.Date(year, r.month, 1, h, m, s, 0, time.UTC)
	days := first.AddDate(0, 1, -1).Day()
	day := 0
	switch {
	case r.week > 0:
		day = 1 + (int(r.weekday)-int(first.Weekday())+7)%7 + 7*(r.week-1)
	case r.week < 0:
		last := time.Date(year, r.month, days, h, m, s, 0, time.UTC)
		day = days - (int(last.Weekday())-int(r.weekday)+7)%7 + 7*(r.week+1)
	case r.day > 0:
		day = r.day
	case r.day < 0:
		day = days + 1 + r.day
	}
	if day < 1 || day > days {
		return time.Time{}, false
	}
	return time.Date(year, r.month, day, h, m, s, 0, time.UTC), true
}

var weekdays = map[string]time.Weekday{"SU": time.Sunday, "MO": time.Monday, "TU": time.Tuesday,
	"WE": time.Wednesday, "TH": time.Thursday, "FR": time.Friday, "SA": time.Saturday}

// parseYearlyRule reads the RRULEs VTIMEZONEs use; nil for any other.
func parseYearlyRule(s string) *yearlyRule {
	r := &yearlyRule{}
	yearly := false
	for _, part := range strings.Split(strings.ToUpper(s), ";") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "FREQ":
			yearly = v == "YEARLY"
		case "BYMONTH":
			m, err := strconv.Atoi(v)
			if err != nil || m < 1 || m > 12 {
				return nil
			}
			r.month = time.Month(m)
		case "BYDAY":
			if len(v) < 2 {
				return nil
			}
			wd, ok := weekdays[v[len(v)-2:]]
			n, err := strconv.Atoi(strings.TrimPrefix(v[:len(v)-2], "+"))
			if !ok || err != nil || n == 0 || n < -5 || n > 5 {
				return nil
			}
			r.week, r.weekday = n, wd
		case "BYMONTHDAY":
			d, err := strconv.Atoi(v)
			if err != nil || d == 0 || d < -31 || d > 31 {
				return nil
			}
			r.day = d
		case "UNTIL":
			r.until, r.hasUntil = icalWall(v)
		}
	}
	if !yearly || r.month == 0 || (r.week == 0 && r.day == 0) {
		return nil
	}
	return r
}

// icalWall reads an iCalendar DATE (20060102) or DATE-TIME
// (20060102T150405, with or without Z) as wall-clock fields in UTC.
func icalWall(v string) (time.Time, bool) {
	v = strings.TrimSuffix(strings.TrimSpace(v), "Z")
	layout := "20060102T150405"
	if len(v) == 8 {
		layout = "20060102"
	}
	t, err := time.Parse(layout, v)
	return t, err == nil
}

// icalOffset reads a UTC offset: +0530, -0700, +013000.
func icalOffset(v string) (int, bool) {
	if len(v) != 5 && len(v) != 7 || (v[0] != '+' && v[0] != '-') {
		return 0, false
	}
	n, err := strconv.Atoi(v[1:])
	if err != nil {
		return 0, false
	}
	var h, m, s int
	if len(v) == 5 {
		h, m = n/100, n%100
	} else {
		h, m, s = n/10000, n/100%100, n%100
	}
	if h > 26 || m > 59 || s > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, true
}

// gmtPrefix is the offset Outlook writes before a zone's display name:
// "(UTC-05:00) Eastern Time (US & Canada)", "(GMT+10:00) Canberra, ...".
var gmtPrefix = regexp.MustCompile(`^\((?:UTC|GMT)(?:([+-])(\d{1,2}):(\d{2}))?\)\s*(.*)$`)

// gmtOffset is the offset a display name starts with; a last resort, as
// it knows nothing of daylight saving time.
func gmtOffset(tzid string) (int, bool) {
	m := gmtPrefix.FindStringSubmatch(tzid)
	if m == nil {
		return 0, false
	}
	if m[1] == "" {
		return 0, true
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3])
	if h > 14 || mi > 59 {
		return 0, false
	}
	off := h*3600 + mi*60
	if m[1] == "-" {
		off = -off
	}
	return off, true
}
