package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// loginFrom posts the sign-in form with an X-Forwarded-For header (the
// test server's proxy is 127.0.0.1) and returns the status and
// Retry-After.
func loginFrom(t *testing.T, s *session, xff, name, pw string) (int, string) {
	t.Helper()
	s.Get(t, "/login")
	form := url.Values{"username": {name}, "password": {pw}, "_csrf": {s.CSRF}}
	req, _ := http.NewRequest(http.MethodPost, s.Base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	r, err := s.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r.StatusCode, r.Header.Get("Retry-After")
}

func behindProxy(clock *watchtest.Clock) func(*Options) {
	return func(o *Options) {
		o.Now = clock.Now
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	}
}

// A control room behind one address signs in at shift change as often
// as it needs; failures slow only the name and address they came from,
// more with each, and never a right password from an address that has
// not failed.
func TestSignInThrottleCountsFailuresPerNameAndAddress(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	e := newEnvWith(t, behindProxy(clock))
	for i := range 12 {
		e.addUser(t, fmt.Sprintf("pc%d", i), watch.RoleOfficer)
	}
	const room = "198.51.100.10"
	for i := range 12 { // twelve officers through one NAT within a minute
		if code, _ := loginFrom(t, e.newClient(t), room, fmt.Sprintf("pc%d", i), fmt.Sprintf("pw-pc%d-secret", i)); code != http.StatusSeeOther {
			t.Fatalf("sign-in %d of the room: HTTP %d", i, code)
		}
	}
	for range 3 { // and again: successes never count
		if code, _ := loginFrom(t, e.newClient(t), room, "pc0", "pw-pc0-secret"); code != http.StatusSeeOther {
			t.Fatalf("repeated sign-in: HTTP %d", code)
		}
	}

	const guesser = "203.0.113.66"
	c := e.newClient(t)
	for i := range freeFailures {
		if code, _ := loginFrom(t, c, guesser, "pc1", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("wrong try %d: HTTP %d", i, code)
		}
	}
	code, retry := loginFrom(t, c, guesser, "pc1", "pw-pc1-secret")
	if code != http.StatusTooManyRequests || retry != "2" {
		t.Fatalf("right password from the guessing address: HTTP %d Retry-After %q, want 429 after 2", code, retry)
	}
	// the person at their own desk (and the room) are not held back
	if code, _ := loginFrom(t, e.newClient(t), room, "pc1", "pw-pc1-secret"); code != http.StatusSeeOther {
		t.Fatalf("pc1 from a desk that never failed: HTTP %d", code)
	}
	if code, _ := loginFrom(t, e.newClient(t), guesser, "pc2", "pw-pc2-secret"); code != http.StatusSeeOther {
		t.Fatalf("another name from the guessing address: HTTP %d", code)
	}
	// each further failure doubles the wait
	for _, want := range []string{"4", "8", "16", "32"} {
		clock.Add(time.Hour / 2)
		if code, _ := loginFrom(t, c, guesser, "pc1", "wrong"); code != http.StatusUnauthorized {
			t.Fatalf("wrong try after waiting: HTTP %d", code)
		}
		if code, retry := loginFrom(t, c, guesser, "PC1", "wrong"); code != http.StatusTooManyRequests || retry != want {
			t.Fatalf("next try: HTTP %d Retry-After %q, want 429 after %s", code, retry, want)
		}
	}
	clock.Add(31 * time.Second)
	if code, _ := loginFrom(t, c, guesser, "pc1", "pw-pc1-secret"); code != http.StatusTooManyRequests {
		t.Fatalf("before the wait is over: HTTP %d", code)
	}
	clock.Add(time.Second)
	if code, _ := loginFrom(t, c, guesser, "pc1", "pw-pc1-secret"); code != http.StatusSeeOther {
		t.Fatalf("right password once the wait is over: HTTP %d", code)
	}
	// a success clears the pair
	if code, _ := loginFrom(t, c, guesser, "pc1", "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("after a success: HTTP %d", code)
	}
}

// X-Forwarded-For is honoured only from a configured trusted proxy.
func TestForwardedForOnlyFromTrustedProxies(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		name    string
		trusted bool
		xff     string
		want    string // the address audited
	}{
		{"no proxy configured: the header is ignored", false, "203.0.113.5", "127.0.0.1"},
		{"trusted proxy: its client", true, "203.0.113.5", "203.0.113.5"},
		{"trusted proxy: a forged entry left of the real client is ignored", true, "6.6.6.6, 203.0.113.5", "203.0.113.5"},
		{"trusted proxies in a chain are skipped", true, "203.0.113.5, 127.0.0.1", "203.0.113.5"},
		{"no header behind the proxy: the proxy", true, "", "127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, func(o *Options) {
				o.Now = clock.Now
				if tc.trusted {
					o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
				}
			})
			e.addUser(t, "pc1", watch.RoleOfficer)
			loginFrom(t, e.newClient(t), tc.xff, "pc1", "wrong")
			log, err := e.store.AuditLog(context.Background(), 1)
			if err != nil || len(log) != 1 || log[0].Action != "login_failed" || log[0].Detail != "from="+tc.want {
				t.Fatalf("audited %+v %v, want from=%s", log, err, tc.want)
			}
		})
	}
	// without a trusted proxy a guesser cannot escape by changing the header
	e := newEnvWith(t, func(o *Options) { o.Now = clock.Now })
	e.addUser(t, "pc1", watch.RoleOfficer)
	c := e.newClient(t)
	for i := range freeFailures + 1 {
		code, _ := loginFrom(t, c, fmt.Sprintf("203.0.113.%d", i+1), "pc1", "wrong")
		if want := map[bool]int{true: http.StatusTooManyRequests, false: http.StatusUnauthorized}[i == freeFailures]; code != want {
			t.Fatalf("try %d with a new forged address: HTTP %d, want %d", i, code, want)
		}
	}
}

// A password typed into the name field is never kept: a name that is no
// account is audited as a keyed hash, the same for the same name.
func TestFailedSignInRecordsUnknownNamesAsKeyedHash(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "pc1", watch.RoleOfficer)
	c := e.newClient(t)
	loginFrom(t, c, "", "Hunter2-my-password", "x")
	loginFrom(t, c, "", "hunter2-MY-password", "x")
	loginFrom(t, c, "", "someone-else", "x")
	loginFrom(t, c, "", "pc1", "wrong")
	log, err := e.store.AuditLog(context.Background(), 4)
	if err != nil || len(log) != 4 {
		t.Fatal(log, err)
	}
	for _, a := range log {
		if strings.Contains(strings.ToLower(a.Actor+a.Target+a.Detail), "hunter2") || strings.Contains(a.Actor+a.Target, "someone") {
			t.Fatalf("the typed name was kept: %+v", a)
		}
	}
	first, second, other, known := log[3], log[2], log[1], log[0]
	if !strings.HasPrefix(first.Actor, "unknown:") || len(first.Actor) != len("unknown:")+16 || first.Actor != second.Actor || first.Actor == other.Actor {
		t.Fatalf("unknown names audited as %q, %q, %q", first.Actor, second.Actor, other.Actor)
	}
	if known.Actor != "pc1" || known.Target != "user:pc1" {
		t.Fatalf("a known name audited as %+v", known)
	}
	// the key is the installation's: another database hashes differently
	e2 := newEnv(t)
	loginFrom(t, e2.newClient(t), "", "Hunter2-my-password", "x")
	log2, _ := e2.store.AuditLog(context.Background(), 1)
	if len(log2) != 1 || log2[0].Actor == first.Actor || !strings.HasPrefix(log2[0].Actor, "unknown:") {
		t.Fatalf("another installation audited %+v, first %q", log2, first.Actor)
	}
}

// A flood of names cannot push a delayed pair out of memory.
func TestSignInThrottleKeepsDelayedPairsUnderAFlood(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC))
	l := newSignInThrottle(clock.Now)
	for range freeFailures + 2 {
		l.fail("pc1", "198.51.100.7")
	}
	for i := range maxPairs + 10 {
		l.fail(fmt.Sprintf("n%d", i), "198.51.100.7")
	}
	if l.wait("pc1", "198.51.100.7") == 0 {
		t.Fatal("the delayed pair was forgotten under a flood of names")
	}
	if l.wait("pc1", "192.0.2.1") != 0 {
		t.Fatal("a fresh address is held back")
	}
}
