package fetch

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps what a server may ask us to wait: a hostile or broken
// Retry-After must not silence a source for weeks.
const maxRetryAfter = 24 * time.Hour

// statusError classifies a response that is neither 2xx nor 304. It may
// read the start of the body, to tell an anti-bot page from a plain refusal.
func (c *Client) statusError(resp *http.Response) *Error {
	code := resp.StatusCode
	e := &Error{Status: code, Msg: fmt.Sprintf("%s answered %s", resp.Request.URL.Host, statusText(code))}
	switch {
	case code == http.StatusTooManyRequests:
		e.Class = ClassRateLimited
	case code >= 500 && code < 600:
		e.Class = ClassHTTP5xx
	case code >= 300 && code < 400:
		// A redirect the client did not follow: no usable Location.
		e.Class = ClassRedirect
		e.Msg += " without a usable Location"
	default:
		e.Class = ClassHTTP4xx
	}
	// A 429 stays rate_limited whatever it looks like: its Retry-After is
	// what the scheduler needs.
	if code != http.StatusTooManyRequests {
		vendor := challengeHeader(resp.Header)
		if vendor == "" && sniffsBody(code) {
			vendor = challengeBody(sniff(resp))
		}
		if vendor != "" {
			e.Class = ClassBlocked
			e.Msg += fmt.Sprintf(" with an anti-bot page (%s)", vendor)
		}
	}
	if code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
		e.RetryAfter = RetryAfter(resp.Header.Get("Retry-After"), c.opts.Now())
		if e.RetryAfter > 0 {
			e.Msg += fmt.Sprintf(", retry after %s", e.RetryAfter)
		}
	}
	return e
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}

// RetryAfter reads a Retry-After value: delay-seconds or an HTTP-date,
// capped at 24 hours; 0 when absent or unreadable.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
