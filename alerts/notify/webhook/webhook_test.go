package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch/fetch"
)

var webhookSecret = []byte("s3cret-shared-with-the-receiver")

// reply is what the test receiver answers to one request.
type reply struct {
	status int
	header map[string]string
	hangup bool // close the connection without an answer
	hang   bool // answer only after the client gave up
}

// receiver is an httptest server that answers from a script and keeps
// what it was sent.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	script  []reply
	bodies  [][]byte
	headers []http.Header
}

func newReceiver(t *testing.T, script ...reply) *receiver {
	t.Helper()
	r := &receiver{script: script}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		i := len(r.bodies)
		r.bodies = append(r.bodies, body)
		r.headers = append(r.headers, req.Header.Clone())
		rep := reply{status: http.StatusOK}
		if i < len(r.script) {
			rep = r.script[i]
		}
		r.mu.Unlock()
		switch {
		case rep.hangup:
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		case rep.hang:
			<-req.Context().Done()
			return
		}
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.status)
		_, _ = io.WriteString(w, "receiver says "+http.StatusText(rep.status))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// sent returns what the receiver was sent so far.
func (r *receiver) sent() ([][]byte, []http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...), append([]http.Header(nil), r.headers...)
}

// waits records the pauses a notifier asks for instead of taking them.
type waits struct {
	mu     sync.Mutex
	asked  []time.Duration
	onWait func() // runs inside each wait, e.g. to cancel the context
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.asked = append(w.asked, d)
	f := w.onWait
	w.mu.Unlock()
	if f != nil {
		f()
	}
	return ctx.Err()
}

var webhookNow = time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC)

func testWebhook(t *testing.T, url string, w *waits, edit func(*Options)) *Notifier {
	t.Helper()
	opts := Options{Name: "control-room", URL: url, Secret: webhookSecret, MaxAttempts: 4,
		BaseDelay: 100 * time.Millisecond, MaxDelay: 10 * time.Second, Wait: w.wait,
		Jitter: func() float64 { return 1 }, Now: func() time.Time { return webhookNow }}
	if edit != nil {
		edit(&opts)
	}
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWebhookSignsWhatItSends(t *testing.T) {
	rcv := newReceiver(t)
	n := testWebhook(t, rcv.URL, &waits{}, nil)
	a := alerts.Alert{Fingerprint: "fp", RuleID: "red", RuleName: "Red", Kind: alerts.KindSeverity, Operation: "op",
		State: alerts.StateFiring, Summary: "1 red-severity hit(s)", Evidence: []int64{41, 42}, Started: webhookNow}
	if err := n.Notify(context.Background(), notify.AlertNotification(alerts.Notice{Event: "firing", Firing: []alerts.Alert{a}}, "Carnival", "https://hub/ops/op")); err != nil {
		t.Fatal(err)
	}
	if rcv.requests() != 1 {
		t.Fatalf("%d requests", rcv.requests())
	}
	bodies, headers := rcv.sent()
	h, body := headers[0], bodies[0]
	if h.Get("Content-Type") != "application/json" || h.Get(HeaderKind) != "alert" || h.Get(HeaderDelivery) == "" {
		t.Errorf("headers %v", h)
	}
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts != "1788004800" || !strings.HasPrefix(sig, "sha256=") {
		t.Errorf("timestamp %q signature %q", ts, sig)
	}
	// the scheme receivers implement, computed here by hand
	mac := hmac.New(sha256.New, webhookSecret)
	mac.Write([]byte(ts + "." + string(body)))
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); sig != want {
		t.Errorf("signature %q, want %q", sig, want)
	}
	var p notify.AlertPayload
	if err := json.Unmarshal(body, &p); err != nil || p.Event != "firing" || len(p.Evidence) != 2 || p.Board != "https://hub/ops/op" {
		t.Errorf("payload %s: %v", body, err)
	}

	tampered := []byte(strings.Replace(string(body), `"firing"`, `"resolved"`, 1))
	for _, tc := range []struct {
		name   string
		secret []byte
		ts     string
		sig    string
		body   []byte
		now    time.Time
		skew   time.Duration
		ok     bool
	}{
		{"as sent", webhookSecret, ts, sig, body, webhookNow.Add(time.Minute), 5 * time.Minute, true},
		{"skew not checked", webhookSecret, ts, sig, body, webhookNow.Add(time.Hour), 0, true},
		{"tampered body", webhookSecret, ts, sig, tampered, webhookNow, 5 * time.Minute, false},
		{"wrong secret", []byte("other"), ts, sig, body, webhookNow, 5 * time.Minute, false},
		{"timestamp changed", webhookSecret, "1788004801", sig, body, webhookNow, 5 * time.Minute, false},
		{"replayed later", webhookSecret, ts, sig, body, webhookNow.Add(6 * time.Minute), 5 * time.Minute, false},
		{"from the future", webhookSecret, ts, sig, body, webhookNow.Add(-6 * time.Minute), 5 * time.Minute, false},
		{"no scheme", webhookSecret, ts, strings.TrimPrefix(sig, "sha256="), body, webhookNow, 5 * time.Minute, false},
		{"not hex", webhookSecret, ts, "sha256=zz", body, webhookNow, 5 * time.Minute, false},
		{"bad timestamp", webhookSecret, "soon", sig, body, webhookNow, 5 * time.Minute, false},
		{"empty", webhookSecret, "", "", body, webhookNow, 5 * time.Minute, false},
	} {
		err := VerifySignature(tc.secret, tc.ts, tc.sig, tc.body, tc.now, tc.skew)
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if !tc.ok && !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: got %v, want ErrBadSignature", tc.name, err)
		}
	}
}

func TestWebhookRetries(t *testing.T) {
	ra := func(v string) map[string]string { return map[string]string{"Retry-After": v} }
	for _, tc := range []struct {
		name      string
		script    []reply
		edit      func(*Options)
		wantErr   error  // nil: delivered
		errHas    string // in the message
		requests  int
		wantWaits []time.Duration
	}{
		{name: "500 then success", script: []reply{{status: 500}, {status: 204}},
			requests: 2, wantWaits: []time.Duration{100 * time.Millisecond}},
		{name: "network error then success", script: []reply{{hangup: true}, {status: 200}},
			requests: 2, wantWaits: []time.Duration{100 * time.Millisecond}},
		{name: "hung receiver is cut off by the timeout and retried",
			script: []reply{{hang: true}, {status: 200}}, edit: func(o *Options) { o.Timeout = 50 * time.Millisecond },
			requests: 2, wantWaits: []time.Duration{100 * time.Millisecond}},
		{name: "gives up after max attempts", script: []reply{{status: 503}, {status: 502}, {status: 500}, {status: 500}, {status: 200}},
			wantErr: notify.ErrGaveUp, errHas: `webhook "control-room": gave up delivering the notification after 4 attempts: HTTP 500 ("receiver says Internal Server Error")`,
			requests: 4, wantWaits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}},
		{name: "backoff is capped", script: []reply{{status: 500}, {status: 500}, {status: 500}},
			edit: func(o *Options) {
				o.MaxAttempts = 3
				o.BaseDelay = 4 * time.Second
				o.MaxDelay = 5 * time.Second
			},
			wantErr: notify.ErrGaveUp, requests: 3, wantWaits: []time.Duration{4 * time.Second, 5 * time.Second}},
		{name: "jitter stays in the upper half", script: []reply{{status: 500}, {status: 500}, {status: 200}},
			edit:     func(o *Options) { o.Jitter = func() float64 { return 0 } },
			requests: 3, wantWaits: []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}},
		{name: "no retry on 400", script: []reply{{status: 400}},
			wantErr: notify.ErrRejected, errHas: "HTTP 400", requests: 1},
		{name: "no retry on 404", script: []reply{{status: 404}}, wantErr: notify.ErrRejected, requests: 1},
		{name: "a redirect is not followed", script: []reply{{status: 301, header: map[string]string{"Location": "/elsewhere"}}},
			wantErr: notify.ErrRejected, errHas: "HTTP 301", requests: 1},
		{name: "429 Retry-After seconds", script: []reply{{status: 429, header: ra("7")}, {status: 200}},
			requests: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "503 Retry-After date", script: []reply{{status: 503, header: ra(webhookNow.Add(30 * time.Second).Format(http.TimeFormat))}, {status: 200}},
			edit:     func(o *Options) { o.MaxDelay = time.Minute },
			requests: 2, wantWaits: []time.Duration{30 * time.Second}},
		{name: "Retry-After shorter than the backoff", script: []reply{{status: 500}, {status: 503, header: ra("1")}, {status: 200}},
			edit:     func(o *Options) { o.BaseDelay = 2 * time.Second },
			requests: 3, wantWaits: []time.Duration{2 * time.Second, 4 * time.Second}},
		{name: "Retry-After beyond MaxDelay ends the retries", script: []reply{{status: 429, header: ra("3600")}},
			wantErr: notify.ErrGaveUp, errHas: "asked to wait 1h0m0s", requests: 1},
		{name: "429 without Retry-After backs off", script: []reply{{status: 429}, {status: 200}},
			requests: 2, wantWaits: []time.Duration{100 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rcv := newReceiver(t, tc.script...)
			w := &waits{}
			err := testWebhook(t, rcv.URL, w, tc.edit).Notify(context.Background(), notify.Notification{Kind: "briefing", Subject: "s", Text: "t"})
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("not delivered: %v", err)
			case tc.wantErr != nil && !errors.Is(err, tc.wantErr):
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			case err != nil && !strings.Contains(err.Error(), tc.errHas):
				t.Errorf("error %q lacks %q", err, tc.errHas)
			}
			if err != nil && strings.Contains(err.Error(), rcv.URL) {
				t.Errorf("error repeats the URL: %v", err)
			}
			if got := rcv.requests(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if !equalDurations(w.asked, tc.wantWaits) {
				t.Errorf("waits %v, want %v", w.asked, tc.wantWaits)
			}
			// every attempt is signed afresh and carries one delivery id
			bodies, headers := rcv.sent()
			for i, body := range bodies {
				h := headers[i]
				if err := VerifySignature(webhookSecret, h.Get(HeaderTimestamp), h.Get(HeaderSignature), body, webhookNow, time.Minute); err != nil {
					t.Errorf("attempt %d: %v", i+1, err)
				}
				if h.Get(HeaderDelivery) != headers[0].Get(HeaderDelivery) {
					t.Errorf("attempt %d has another delivery id", i+1)
				}
				if string(body) != `{"kind":"briefing","subject":"s","text":"t"}` {
					t.Errorf("body %s", body)
				}
			}
		})
	}
}

func TestWebhookContextStopsRetries(t *testing.T) {
	t.Run("cancelled while waiting", func(t *testing.T) {
		rcv := newReceiver(t, reply{status: 500}, reply{status: 500}, reply{status: 500})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &waits{onWait: cancel}
		err := testWebhook(t, rcv.URL, w, nil).Notify(ctx, notify.Notification{Kind: "alert"})
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped retrying after attempt 1") {
			t.Fatalf("got %v", err)
		}
		if rcv.requests() != 1 || len(w.asked) != 1 {
			t.Errorf("%d requests, %d waits", rcv.requests(), len(w.asked))
		}
	})
	t.Run("cancelled during a request", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		started := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// the server notices the client hanging up only once the body is read
			_, _ = io.ReadAll(r.Body)
			close(started)
			<-r.Context().Done()
		}))
		defer srv.Close()
		go func() { <-started; cancel() }()
		w := &waits{}
		err := testWebhook(t, srv.URL, w, nil).Notify(ctx, notify.Notification{Kind: "alert"})
		if !errors.Is(err, context.Canceled) || len(w.asked) != 0 {
			t.Fatalf("got %v after %d waits", err, len(w.asked))
		}
	})
	t.Run("the default wait honours the context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := waitTimer(ctx, time.Hour); !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
		if err := waitTimer(context.Background(), time.Microsecond); err != nil {
			t.Errorf("got %v", err)
		}
	})
}

func TestNewWebhookNotifierChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		ok   bool
	}{
		{"fine", Options{URL: "https://cad.internal/hook", Secret: []byte("k")}, true},
		{"no url", Options{Secret: []byte("k")}, false},
		{"relative url", Options{URL: "/hook", Secret: []byte("k")}, false},
		{"not http", Options{URL: "ftp://cad.internal/hook", Secret: []byte("k")}, false},
		{"no secret", Options{URL: "https://cad.internal/hook"}, false},
		{"negative attempts", Options{URL: "https://cad.internal/hook", Secret: []byte("k"), MaxAttempts: -1}, false},
	} {
		n, err := New(tc.opts)
		if tc.ok != (err == nil) {
			t.Errorf("%s: %v", tc.name, err)
		}
		if tc.ok && (n.name != "cad.internal" || n.opts.MaxAttempts != DefaultMaxAttempts || n.opts.Timeout != DefaultTimeout) {
			t.Errorf("%s: defaults %+v", tc.name, n.opts)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"-5", 0}, {"12", 12 * time.Second}, {" 3 ", 3 * time.Second}, {"soon", 0},
		{webhookNow.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{webhookNow.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"99999999999999999999", 0},
	} {
		if got := fetch.RetryAfter(tc.in, webhookNow); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
