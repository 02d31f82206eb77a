package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch/fetch"
)

// Webhook request headers. The signature covers "<timestamp>.<body>", so a
// receiver that checks the timestamp's age also refuses replays.
const (
	HeaderTimestamp = "X-Watchroom-Timestamp"
	HeaderSignature = "X-Watchroom-Signature"
	// HeaderDelivery is the same on every attempt at one notification, so a
	// receiver can drop the duplicate a lost response causes.
	HeaderDelivery = "X-Watchroom-Delivery"
	// HeaderKind names the notification's kind, in a webhook request and an
	// e-mail alike.
	HeaderKind = notify.HeaderKind
)

// Webhook defaults for zero options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxAttempts = 5
	DefaultBaseDelay   = time.Second
	DefaultMaxDelay    = time.Minute
)

// Options configures a webhook notifier.
type Options struct {
	// Name is shown in errors and logs instead of the URL, which may carry a
	// token; "" uses the URL's host.
	Name   string
	URL    string // http or https
	Secret []byte // the HMAC-SHA256 key shared with the receiver; required

	Timeout     time.Duration // one attempt, from dialling to the last byte (default 10s)
	MaxAttempts int           // attempts in all, the first included (default 5)
	BaseDelay   time.Duration // wait after the first failure, doubled after each (default 1s)
	// MaxDelay caps one wait. A Retry-After longer than this ends the
	// retries: an alert delivered an hour late is worse than a clear
	// failure the caller can log and show (default 1m).
	MaxDelay time.Duration

	// Client sends the requests; nil means a plain client with Timeout
	// that does not follow redirects. A caller's client brings its own
	// timeout and redirect policy.
	Client *http.Client
	// Wait pauses between attempts; nil means a timer that honours ctx.
	// Tests record the waits instead of sleeping.
	Wait func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) placing each backoff in the upper
	// half of its range; nil means math/rand/v2.
	Jitter func() float64
	Now    func() time.Time // signing time and Retry-After dates; nil means time.Now
	Logger *slog.Logger     // nil discards
}

// Notifier POSTs notifications as signed JSON.
type Notifier struct {
	opts   Options
	name   string
	client *http.Client
	log    *slog.Logger
}

// New checks the options and fills in the defaults.
func New(opts Options) (*Notifier, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook %q: the URL must be an absolute http or https URL", opts.Name)
	}
	name := opts.Name
	if name == "" {
		name = u.Host
	}
	if len(opts.Secret) == 0 {
		return nil, fmt.Errorf("webhook %q: a signing secret is required", name)
	}
	if opts.Timeout < 0 || opts.MaxAttempts < 0 || opts.BaseDelay < 0 || opts.MaxDelay < 0 {
		return nil, fmt.Errorf("webhook %q: timeouts, attempts and delays must not be negative", name)
	}
	opts.Secret = bytes.Clone(opts.Secret)
	opts.Timeout = orDefault(opts.Timeout, DefaultTimeout)
	opts.BaseDelay = orDefault(opts.BaseDelay, DefaultBaseDelay)
	opts.MaxDelay = max(orDefault(opts.MaxDelay, DefaultMaxDelay), opts.BaseDelay)
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Wait == nil {
		opts.Wait = waitTimer
	}
	if opts.Jitter == nil {
		opts.Jitter = mrand.Float64
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	client := opts.Client
	if client == nil {
		// A plain client, not the fetcher that guards against private
		// addresses: the target is an internal system an administrator
		// configured (usually on a private address, which that guard
		// would rightly refuse), never a URL taken from collected content
		// or from a user of the board.
		client = &http.Client{
			Timeout: opts.Timeout,
			// a redirected POST turns into a GET elsewhere; a receiver
			// that moved must be reconfigured, not followed
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Notifier{opts: opts, name: name, client: client,
		log: log.With("component", "notify_webhook", "webhook", name)}, nil
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def time.Duration) time.Duration {
	if v == 0 {
		return def
	}
	return v
}

// Notify sends n, retrying network errors, 5xx and 429 with exponential
// backoff until MaxAttempts; other statuses are final.
func (w *Notifier) Notify(ctx context.Context, n notify.Notification) error {
	body, err := webhookBody(n)
	if err != nil {
		return fmt.Errorf("webhook %q: encoding the payload: %w", w.name, err)
	}
	delivery := rand.Text()
	for attempt := 1; ; attempt++ {
		retryAfter, err := w.send(ctx, n.Kind, delivery, body)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("webhook %q: attempt %d: %w", w.name, attempt, context.Cause(ctx))
		}
		if errors.Is(err, notify.ErrRejected) {
			return fmt.Errorf("webhook %q: %w", w.name, err)
		}
		if attempt >= w.opts.MaxAttempts {
			return fmt.Errorf("webhook %q: %w after %d attempts: %w", w.name, notify.ErrGaveUp, attempt, err)
		}
		if retryAfter > w.opts.MaxDelay {
			return fmt.Errorf("webhook %q: %w: the receiver asked to wait %s, more than the %s allowed: %w",
				w.name, notify.ErrGaveUp, retryAfter, w.opts.MaxDelay, err)
		}
		d := w.backoff(attempt, retryAfter)
		w.log.WarnContext(ctx, "webhook attempt failed; retrying", "attempt", attempt, "wait", d, "error", err)
		if werr := w.opts.Wait(ctx, d); werr != nil {
			return fmt.Errorf("webhook %q: stopped retrying after attempt %d (%v): %w", w.name, attempt, err, werr)
		}
	}
}

// send makes one attempt. A nil error is success; notify.ErrRejected is
// final; any other error may be retried after at least retryAfter.
func (w *Notifier) send(ctx context.Context, kind, delivery string, body []byte) (retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", notify.ErrRejected, err)
	}
	ts := strconv.FormatInt(w.opts.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "watchroom-webhook")
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, sign(w.opts.Secret, ts, body))
	req.Header.Set(HeaderDelivery, delivery)
	if kind != "" {
		req.Header.Set(HeaderKind, kind)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		// *url.Error repeats the URL, and a webhook URL may hold a token
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return 0, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	err = fmt.Errorf("HTTP %d%s", resp.StatusCode, quoteSnippet(snippet))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return fetch.RetryAfter(resp.Header.Get("Retry-After"), w.opts.Now()), err
	}
	return 0, fmt.Errorf("%w: %w", notify.ErrRejected, err)
}

// backoff is BaseDelay doubled per failure up to MaxDelay with equal
// jitter, never less than what the receiver asked for: the same policy as
// the fetcher's.
func (w *Notifier) backoff(failures int, retryAfter time.Duration) time.Duration {
	return fetch.Backoff{Base: w.opts.BaseDelay, Max: w.opts.MaxDelay, Jitter: w.opts.Jitter}.Next(failures, retryAfter)
}

func quoteSnippet(b []byte) string {
	s := notify.OneLine(strings.ToValidUTF8(string(b), "?"))
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", s)
}

// webhookBody is n.JSON, or the subject and text when there is none.
func webhookBody(n notify.Notification) ([]byte, error) {
	if n.JSON != nil {
		return json.Marshal(n.JSON)
	}
	return json.Marshal(struct {
		Kind    string `json:"kind"`
		Subject string `json:"subject"`
		Text    string `json:"text"`
	}{n.Kind, n.Subject, n.Text})
}

// waitTimer waits d or until ctx is done.
func waitTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// ErrBadSignature: a webhook request's signature or timestamp does not check.
var ErrBadSignature = errors.New("bad webhook signature")

// sign returns the X-Watchroom-Signature value for a request.
func sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a webhook request as a receiver should: ts and sig
// are the X-Watchroom-Timestamp and X-Watchroom-Signature headers, body the
// raw request body. A timestamp more than maxSkew from now is refused, which
// stops a captured request being replayed later; maxSkew <= 0 skips that
// check. Errors wrap ErrBadSignature.
func VerifySignature(secret []byte, ts, sig string, body []byte, now time.Time, maxSkew time.Duration) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is not unix seconds", ErrBadSignature, ts)
	}
	if maxSkew > 0 {
		if skew := now.Sub(time.Unix(sec, 0)).Abs(); skew > maxSkew {
			return fmt.Errorf("%w: timestamp is %s away from now, more than %s", ErrBadSignature, skew, maxSkew)
		}
	}
	got, ok := strings.CutPrefix(sig, "sha256=")
	if !ok {
		return fmt.Errorf("%w: the signature must start with sha256=", ErrBadSignature)
	}
	mac, err := hex.DecodeString(got)
	if err != nil {
		return fmt.Errorf("%w: the signature is not hex", ErrBadSignature)
	}
	want, _ := hex.DecodeString(strings.TrimPrefix(sign(secret, ts, body), "sha256="))
	if !hmac.Equal(mac, want) {
		return fmt.Errorf("%w: it does not match the body", ErrBadSignature)
	}
	return nil
}

// Recipients is the webhook's name and its URL without query or user
// (which may carry a credential).
func (n *Notifier) Recipients(notify.Notification) (string, []string) {
	to := n.opts.URL
	if u, err := url.Parse(to); err == nil {
		u.User, u.RawQuery, u.Fragment = nil, "", ""
		to = u.String()
	}
	return "webhook:" + n.name, []string{to}
}
