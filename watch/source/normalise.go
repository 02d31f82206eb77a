package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Caps shared by the kinds beyond feeds.
const (
	maxMedia    = 20 // media links kept per item
	maxLanguage = 35 // bytes; the longest sensible BCP 47 tag
)

// utf8BOM starts some bodies that are otherwise plain UTF-8.
var utf8BOM = []byte("\xEF\xBB\xBF")

// decodeJSON unmarshals an API response into v. Bodies that are not JSON
// (an HTML login wall, a cut-off download) wrap ErrUnparseable and say what
// they look like.
func decodeJSON(body []byte, v any, what string) error {
	body = bytes.TrimPrefix(body, utf8BOM)
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '<' {
		return fmt.Errorf("%w: got HTML or XML, not %s JSON", ErrUnparseable, what)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: not %s JSON: %w", ErrUnparseable, what, err)
	}
	return nil
}

// apiError is the error object JSON APIs answer with instead of data.
type apiError struct {
	Error   any    `json:"error"`
	Message string `json:"message"`
}

// describe is the API's own account of the failure, cleaned and cut for a
// one-line message; "" when it gave none.
func (e apiError) describe() string {
	var parts []string
	switch v := e.Error.(type) {
	case string:
		if v != "" {
			parts = append(parts, v)
		}
	case float64:
		parts = append(parts, fmt.Sprint(v))
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	return truncate(cleanText(strings.Join(parts, ": ")), 200)
}

// Time bounds: a hostile or broken time outside them is no time at all.
var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// saneTime is t in UTC, or zero when t is outside the bounds.
func saneTime(t time.Time) time.Time {
	if t.Before(minTime) || t.After(maxTime) {
		return time.Time{}
	}
	return t.UTC()
}

// unixTime reads seconds since the epoch, as APIs give them in JSON
// numbers (Reddit's are floats).
func unixTime(sec float64) time.Time {
	if math.IsNaN(sec) || sec <= 0 || sec > float64(maxTime.Unix()) {
		return time.Time{}
	}
	whole, frac := math.Modf(sec)
	return saneTime(time.Unix(int64(whole), int64(frac*1e9)))
}

// apiTimeLayouts are the forms of RFC 3339 that APIs emit: with or without
// fractions, with a Z or a numeric offset.
var apiTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999"}

// apiTime reads an API timestamp in UTC; zero when it cannot.
func apiTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}
	}
	for _, l := range apiTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return saneTime(t)
		}
	}
	return time.Time{}
}

// languageTag accepts a BCP 47-looking tag ("en", "pt-BR"); anything
// else is no language.
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$`)

func language(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxLanguage || !languageTag.MatchString(s) {
		return ""
	}
	return s
}

// mediaList gathers an item's media links: web URLs only, each once, at
// most maxMedia.
type mediaList struct {
	base  *url.URL
	links []string
}

func (m *mediaList) add(raw string) {
	if len(m.links) >= maxMedia {
		return
	}
	u := absURL(raw, m.base)
	if u == "" {
		return
	}
	for _, l := range m.links {
		if l == u {
			return
		}
	}
	m.links = append(m.links, u)
}

// handle cleans an account name for use as an item's author: plain text,
// capped.
func handle(prefix, name string) string {
	name = cleanText(name)
	if name == "" || strings.ContainsAny(name, " \t") {
		return ""
	}
	return truncate(prefix+name, maxAuthor)
}
