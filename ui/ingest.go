package ui

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/source"
)

// WebhookSource is a source that tools push items to, with what checks a push.
type WebhookSource struct {
	Source watch.Source
	Token  string     // the secret a push must bear; never logged
	Rate   rate.Limit // pushes a second
	Burst  int
}

// Recorder records items that came without a poll (watch.Pipeline.Record),
// with the audit entry audit makes of the report in the same transaction.
type Recorder func(ctx context.Context, src watch.Source, items []watch.Item, audit func(watch.PollReport) watch.AuditEntry) (watch.PollReport, error)

// ingester holds the webhook sources and their rate limiters; both maps
// are fixed at start (a rate.Limiter is safe for concurrent use).
type ingester struct {
	sources map[string]WebhookSource
	limits  map[string]*rate.Limiter
	refused map[string]*refusals
}

// refusals counts a source's refused pushes, so the log says a minute
// how many came rather than a line each: anyone can send them.
type refusals struct {
	log *rate.Limiter
	n   atomic.Int64 // since the last line
}

func newIngester(hooks []WebhookSource) *ingester {
	in := &ingester{sources: map[string]WebhookSource{}, limits: map[string]*rate.Limiter{}, refused: map[string]*refusals{}}
	for _, h := range hooks {
		in.sources[h.Source.ID] = h
		in.limits[h.Source.ID] = rate.NewLimiter(h.Rate, h.Burst)
		in.refused[h.Source.ID] = &refusals{log: rate.NewLimiter(rate.Every(time.Minute), 1)}
	}
	return in
}

// tokenOK compares in constant time; hashing first hides the length too.
func tokenOK(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return want != "" && subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// bearer is the token of an "Authorization: Bearer …" header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// ingestPush takes a push to a webhook source: POST /ingest/<source id> with
// "Authorization: Bearer <token>" and a JSON body (see source.ParsePush).
// The token is the authentication: no session and no CSRF token, since
// the sender is a tool, not a browser (a browser cannot be made to send
// the header across sites). Each push is audited in the transaction that
// records its items.
func (s *Server) ingestPush(c echo.Context) error {
	id := c.Param("source")
	hook, ok := s.ingest.sources[id]
	if !ok || s.opts.Record == nil {
		return echo.NewHTTPError(http.StatusNotFound, "There is no webhook source "+strconv.Quote(truncateRunes(id, 64))+".")
	}
	if !tokenOK(bearer(c.Request()), hook.Token) {
		r := s.ingest.refused[id]
		if n := r.n.Add(1); r.log.AllowN(s.opts.Now(), 1) {
			r.n.Add(-n)
			s.log.Warn("webhook push refused: missing or wrong token", "source", id, "remote", c.RealIP(), "refused", n)
		}
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="watchroom"`)
		return echo.NewHTTPError(http.StatusUnauthorized, "Missing or wrong token: send Authorization: Bearer <the source's token>.")
	}
	if lim := s.ingest.limiter(id); !lim.AllowN(s.opts.Now(), 1) {
		wait := math.Ceil(1 / math.Max(float64(lim.Limit()), 1e-6))
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(min(wait, 3600))))
		return echo.NewHTTPError(http.StatusTooManyRequests, "Too many pushes to this source; wait and send again.")
	}
	if mt, _, err := mime.ParseMediaType(c.Request().Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType, "Send the items as application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, source.MaxPushBytes))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("The body is over %d bytes; send fewer items a push.", source.MaxPushBytes))
	}
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The body could not be read.")
	}
	ctx := c.Request().Context()
	items, err := source.ParsePush(ctx, hook.Source, body, s.opts.Now())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, strings.TrimPrefix(err.Error(), source.ErrUnparseable.Error()+": "))
	}
	sum := source.BodyHash(body)
	rep, err := s.opts.Record(ctx, hook.Source, items, func(rep watch.PollReport) watch.AuditEntry {
		return watch.AuditEntry{Actor: "webhook:" + id, Action: "ingest", Target: "source:" + id,
			Detail: fmt.Sprintf("%d items, %d new, %d hits; body sha256 %s", rep.Items, rep.New, rep.Hits, sum)}
	})
	if errors.Is(err, watch.ErrPaused) {
		return echo.NewHTTPError(http.StatusConflict, "The source is paused; an analyst can resume it on the sources page.")
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]int{"items": rep.Items, "new": rep.New, "hits": rep.Hits})
}

func (in *ingester) limiter(id string) *rate.Limiter { return in.limits[id] }

// truncateRunes cuts s to at most n runes, for echoing a request's value.
func truncateRunes(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
