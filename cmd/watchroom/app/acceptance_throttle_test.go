package app

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Acceptance: the sign-in throttle on a real console behind a trusted TLS
// proxy (the loopback address). A control room behind one address signs
// in at shift change as often as it needs; a guesser's failures hold back
// only their own name and address; the right password from a desk that
// never failed always signs in; a forged X-Forwarded-For entry left of
// the proxy's is not believed.
const throttleConfig = `
server:
  data_dir: %q
  trusted_proxies: ["127.0.0.1/32"]
`

func TestAcceptanceSignInThrottle(t *testing.T) {
	a, base, _ := startAppYAML(t, fmt.Sprintf(throttleConfig, tempDataDir(t)), "127.0.0.1:0")
	for i := range 15 {
		addUser(t, a, fmt.Sprintf("pc%d", i), watch.RoleOfficer)
	}
	signIn := func(xff, name, password string) (int, string) {
		t.Helper()
		w := watchtest.NewWeb(base)
		w.Get(t, "/login")
		form := url.Values{"username": {name}, "password": {password}, "_csrf": {w.CSRF}}
		req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", xff)
		r, err := w.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode, r.Header.Get("Retry-After")
	}
	const room = "198.51.100.10"
	for i := range 15 { // shift change: fifteen officers through one NAT, then again
		for round := range 2 {
			if code, _ := signIn(room, fmt.Sprintf("pc%d", i), "secret-pc"+fmt.Sprint(i)); code != http.StatusSeeOther {
				t.Fatalf("pc%d from the control room (round %d): HTTP %d", i, round, code)
			}
		}
	}
	const guesser = "203.0.113.66"
	for i := range 5 {
		if code, _ := signIn(guesser, "pc1", "wrong-guess"); code != http.StatusUnauthorized {
			t.Fatalf("guess %d: HTTP %d", i, code)
		}
	}
	if code, retry := signIn(guesser, "pc1", "secret-pc1"); code != http.StatusTooManyRequests || retry == "" {
		t.Fatalf("the guessing address, right password: HTTP %d Retry-After %q, want 429", code, retry)
	}
	if code, _ := signIn(room, "pc1", "secret-pc1"); code != http.StatusSeeOther {
		t.Fatalf("pc1 from the control room while someone guesses: HTTP %d", code)
	}
	if code, _ := signIn(guesser, "pc2", "secret-pc2"); code != http.StatusSeeOther {
		t.Fatalf("another name from the guessing address: HTTP %d", code)
	}
	// a forged entry left of the real client does not make a fresh address
	if code, _ := signIn("192.0.2.1, "+guesser, "pc1", "secret-pc1"); code != http.StatusTooManyRequests {
		t.Fatalf("forged X-Forwarded-For: HTTP %d, want 429", code)
	}
}
