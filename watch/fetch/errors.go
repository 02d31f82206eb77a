package fetch

import (
	"errors"
	"strings"
	"time"
)

// Class groups fetch failures the way a source's health and the metrics
// report them. The zero Class means "not a fetch failure" (for instance the
// caller cancelled the request).
type Class string

// The failure classes. ClassUnparseable is produced here only for a body
// that cannot be decoded (corrupt gzip, unknown Content-Encoding): it is
// mostly for callers which parse a body, to report in the same terms.
// ClassBlocked is an anti-bot or challenge page (Cloudflare, a captcha...),
// told apart from a plain 403, which stays ClassHTTP4xx: a source that is
// blocked needs a person to look, not a retry.
const (
	ClassDNS         Class = "dns"
	ClassConnect     Class = "connect"
	ClassTLS         Class = "tls"
	ClassTimeout     Class = "timeout"
	ClassHTTP4xx     Class = "http_4xx"
	ClassHTTP5xx     Class = "http_5xx"
	ClassBlocked     Class = "blocked"
	ClassRateLimited Class = "rate_limited"
	ClassTooLarge    Class = "too_large"
	ClassRefused     Class = "refused"
	ClassBadURL      Class = "bad_url"
	ClassRedirect    Class = "redirect"
	ClassUnparseable Class = "unparseable"
)

// Error is a classified fetch failure. Msg is meant for a person (it is what
// a source's health shows); Err keeps the underlying cause for logs and for
// errors.Is/As.
type Error struct {
	Class  Class
	Status int    // HTTP status for the http_*, blocked and rate_limited classes
	Msg    string // one line, human readable
	Err    error
	// RetryAfter is what a 429 or 503 asked for in Retry-After, capped at
	// maxRetryAfter; zero when it gave nothing usable.
	RetryAfter time.Duration
}

// Error returns a one-line message: the human part, then the cause.
func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = string(e.Class)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	// Causes can carry text from the remote side; keep the message on one line.
	return strings.Join(strings.Fields(msg), " ")
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrorClass names the class for callers that cannot import this package.
func (e *Error) ErrorClass() string { return string(e.Class) }

// ClassOf returns the class of a fetch failure anywhere in err's chain, or
// "" when err is nil or is not a fetch failure.
func ClassOf(err error) Class {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Class
	}
	return ""
}
