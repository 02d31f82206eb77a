package source

import (
	"strings"
	"time"
)

// windowsZoneIDs maps Windows time zone ids, which Exchange and Outlook
// write as TZIDs, to IANA zones (from the Unicode CLDR windowsZones table,
// territory 001; the zones a control room is likely to meet).
var windowsZoneIDs = map[string]string{
	"Dateline Standard Time":          "Etc/GMT+12",
	"UTC-11":                          "Etc/GMT+11",
	"Aleutian Standard Time":          "America/Adak",
	"Hawaiian Standard Time":          "Pacific/Honolulu",
	"Alaskan Standard Time":           "America/Anchorage",
	"Pacific Standard Time (Mexico)":  "America/Tijuana",
	"Pacific Standard Time":           "America/Los_Angeles",
	"US Mountain Standard Time":       "America/Phoenix",
	"Mountain Standard Time (Mexico)": "America/Mazatlan",
	"Mountain Standard Time":          "America/Denver",
	"Central America Standard Time":   "America/Guatemala",
	"Central Standard Time":           "America/Chicago",
	"Central Standard Time (Mexico)":  "America/Mexico_City",
	"Canada Central Standard Time":    "America/Regina",
	"SA Pacific Standard Time":        "America/Bogota",
	"Eastern Standard Time (Mexico)":  "America/Cancun",
	"Eastern Standard Time":           "America/New_York",
	"US Eastern Standard Time":        "America/Indiana/Indianapolis",
	"Cuba Standard Time":              "America/Havana",
	"Paraguay Standard Time":          "America/Asuncion",
	"Atlantic Standard Time":          "America/Halifax",
	"Venezuela Standard Time":         "America/Caracas",
	"SA Western Standard Time":        "America/La_Paz",
	"Pacific SA Standard Time":        "America/Santiago",
	"Newfoundland Standard Time":      "America/St_Johns",
	"E. South America Standard Time":  "America/Sao_Paulo",
	"SA Eastern Standard Time":        "America/Cayenne",
	"Argentina Standard Time":         "America/Argentina/Buenos_Aires",
	"Montevideo Standard Time":        "America/Montevideo",
	"Azores Standard Time":            "Atlantic/Azores",
	"Cape Verde Standard Time":        "Atlantic/Cape_Verde",
	"UTC":                             "Etc/UTC",
	"GMT Standard Time":               "Europe/London",
	"Greenwich Standard Time":         "Atlantic/Reykjavik",
	"Morocco Standard Time":           "Africa/Casablanca",
	"W. Europe Standard Time":         "Europe/Berlin",
	"Central Europe Standard Time":    "Europe/Budapest",
	"Romance Standard Time":           "Europe/Paris",
	"Central European Standard Time":  "Europe/Warsaw",
	"W. Central Africa Standard Time": "Africa/Lagos",
	"Jordan Standard Time":            "Asia/Amman",
	"GTB Standard Time":               "Europe/Bucharest",
	"Middle East Standard Time":       "Asia/Beirut",
	"Egypt Standard Time":             "Africa/Cairo",
	"E. Europe Standard Time":         "Europe/Chisinau",
	"Syria Standard Time":             "Asia/Damascus",
	"South Africa Standard Time":      "Africa/Johannesburg",
	"FLE Standard Time":               "Europe/Kyiv",
	"Israel Standard Time":            "Asia/Jerusalem",
	"Kaliningrad Standard Time":       "Europe/Kaliningrad",
	"Turkey Standard Time":            "Europe/Istanbul",
	"Arab Standard Time":              "Asia/Riyadh",
	"Belarus Standard Time":           "Europe/Minsk",
	"Russian Standard Time":           "Europe/Moscow",
	"E. Africa Standard Time":         "Africa/Nairobi",
	"Iran Standard Time":              "Asia/Tehran",
	"Arabian Standard Time":           "Asia/Dubai",
	"Azerbaijan Standard Time":        "Asia/Baku",
	"Georgian Standard Time":          "Asia/Tbilisi",
	"Caucasus Standard Time":          "Asia/Yerevan",
	"Afghanistan Standard Time":       "Asia/Kabul",
	"West Asia Standard Time":         "Asia/Tashkent",
	"Ekaterinburg Standard Time":      "Asia/Yekaterinburg",
	"Pakistan Standard Time":          "Asia/Karachi",
	"India Standard Time":             "Asia/Kolkata",
	"Sri Lanka Standard Time":         "Asia/Colombo",
	"Nepal Standard Time":             "Asia/Kathmandu",
	"Central Asia Standard Time":      "Asia/Almaty",
	"Bangladesh Standard Time":        "Asia/Dhaka",
	"Myanmar Standard Time":           "Asia/Yangon",
	"SE Asia Standard Time":           "Asia/Bangkok",
	"N. Central Asia Standard Time":   "Asia/Novosibirsk",
	"North Asia Standard Time":        "Asia/Krasnoyarsk",
	"China Standard Time":             "Asia/Shanghai",
	"Singapore Standard Time":         "Asia/Singapore",
	"W. Australia Standard Time":      "Australia/Perth",
	"Taipei Standard Time":            "Asia/Taipei",
	"Tokyo Standard Time":             "Asia/Tokyo",
	"Korea Standard Time":             "Asia/Seoul",
	"Cen. Australia Standard Time":    "Australia/Adelaide",
	"AUS Central Standard Time":       "Australia/Darwin",
	"E. Australia Standard Time":      "Australia/Brisbane",
	"AUS Eastern Standard Time":       "Australia/Sydney",
	"West Pacific Standard Time":      "Pacific/Port_Moresby",
	"Tasmania Standard Time":          "Australia/Hobart",
	"Vladivostok Standard Time":       "Asia/Vladivostok",
	"New Zealand Standard Time":       "Pacific/Auckland",
	"Fiji Standard Time":              "Pacific/Fiji",
	"Tonga Standard Time":             "Pacific/Tongatapu",
}

// windowsDisplayNames maps the city lists of Windows zones' display names
// ("(UTC+10:00) Canberra, Melbourne, Sydney"), which Outlook on the web
// writes as TZIDs, to IANA zones. Old and new spellings are both listed.
var windowsDisplayNames = map[string]string{
	"International Date Line West":        "Etc/GMT+12",
	"Hawaii":                              "Pacific/Honolulu",
	"Alaska":                              "America/Anchorage",
	"Pacific Time (US & Canada)":          "America/Los_Angeles",
	"Pacific Time (US & Canada); Tijuana": "America/Los_Angeles",
	"Arizona":                             "America/Phoenix",
	"Mountain Time (US & Canada)":         "America/Denver",
	"Central Time (US & Canada)":          "America/Chicago",
	"Guadalajara, Mexico City, Monterrey": "America/Mexico_City",
	"Saskatchewan":                        "America/Regina",
	"Bogota, Lima, Quito":                 "America/Bogota",
	"Bogota, Lima, Quito, Rio Branco":     "America/Bogota",
	"Eastern Time (US & Canada)":          "America/New_York",
	"Indiana (East)":                      "America/Indiana/Indianapolis",
	"Atlantic Time (Canada)":              "America/Halifax",
	"Newfoundland":                        "America/St_Johns",
	"Brasilia":                            "America/Sao_Paulo",
	"City of Buenos Aires":                "America/Argentina/Buenos_Aires",
	"Buenos Aires":                        "America/Argentina/Buenos_Aires",
	"Azores":                              "Atlantic/Azores",
	"Coordinated Universal Time":          "Etc/UTC",
	"Dublin, Edinburgh, Lisbon, London":   "Europe/London",
	"Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London": "Europe/London",
	"Monrovia, Reykjavik": "Atlantic/Reykjavik",
	"Casablanca":          "Africa/Casablanca",
	"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna":  "Europe/Berlin",
	"Belgrade, Bratislava, Budapest, Ljubljana, Prague": "Europe/Budapest",
	"Brussels, Copenhagen, Madrid, Paris":               "Europe/Paris",
	"Sarajevo, Skopje, Warsaw, Zagreb":                  "Europe/Warsaw",
	"West Central Africa":                               "Africa/Lagos",
	"Athens, Bucharest":                                 "Europe/Bucharest",
	"Cairo":                                             "Africa/Cairo",
	"Harare, Pretoria":                                  "Africa/Johannesburg",
	"Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius":     "Europe/Kyiv",
	"Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius":     "Europe/Kyiv",
	"Jerusalem":                             "Asia/Jerusalem",
	"Istanbul":                              "Europe/Istanbul",
	"Kuwait, Riyadh":                        "Asia/Riyadh",
	"Moscow, St. Petersburg":                "Europe/Moscow",
	"Moscow, St. Petersburg, Volgograd":     "Europe/Moscow",
	"Nairobi":                               "Africa/Nairobi",
	"Tehran":                                "Asia/Tehran",
	"Abu Dhabi, Muscat":                     "Asia/Dubai",
	"Kabul":                                 "Asia/Kabul",
	"Islamabad, Karachi":                    "Asia/Karachi",
	"Chennai, Kolkata, Mumbai, New Delhi":   "Asia/Kolkata",
	"Kathmandu":                             "Asia/Kathmandu",
	"Dhaka":                                 "Asia/Dhaka",
	"Bangkok, Hanoi, Jakarta":               "Asia/Bangkok",
	"Beijing, Chongqing, Hong Kong, Urumqi": "Asia/Shanghai",
	"Kuala Lumpur, Singapore":               "Asia/Singapore",
	"Perth":                                 "Australia/Perth",
	"Taipei":                                "Asia/Taipei",
	"Osaka, Sapporo, Tokyo":                 "Asia/Tokyo",
	"Seoul":                                 "Asia/Seoul",
	"Adelaide":                              "Australia/Adelaide",
	"Darwin":                                "Australia/Darwin",
	"Brisbane":                              "Australia/Brisbane",
	"Canberra, Melbourne, Sydney":           "Australia/Sydney",
	"Hobart":                                "Australia/Hobart",
	"Auckland, Wellington":                  "Pacific/Auckland",
	"Fiji":                                  "Pacific/Fiji",
}

// windowsZone resolves a Windows zone id or display name to an IANA zone;
// nil when it is neither.
func windowsZone(tzid string) *time.Location {
	name, ok := windowsZoneIDs[tzid]
	if !ok {
		m := gmtPrefix.FindStringSubmatch(tzid)
		if m == nil {
			return nil
		}
		name, ok = windowsDisplayNames[strings.TrimSpace(m[4])]
		if !ok {
			return nil
		}
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	return loc
}
