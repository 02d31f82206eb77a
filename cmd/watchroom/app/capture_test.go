package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// Manual capture is for analysts and needs the CSRF token: the server
// refuses the others before anything is fetched.
func TestCaptureRolesAndCSRF(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "an1", watch.RoleAnalyst)
	pages := pagesServer(t)
	post := func(c *http.Client, csrf string) int {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/capture", strings.NewReader(url.Values{"url": {pages + "/quiet"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		r, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	officer := signInHTTP(t, base, "pc1")
	if code := post(officer.Client, officer.CSRF); code != http.StatusForbidden {
		t.Errorf("officer: HTTP %d, want 403", code)
	}
	analyst := signInHTTP(t, base, "an1")
	if code := post(analyst.Client, ""); code != http.StatusForbidden && code != http.StatusBadRequest {
		t.Errorf("analyst without CSRF token: HTTP %d, want 400 or 403", code)
	}
	if code := post(http.DefaultClient, ""); code == http.StatusOK {
		t.Error("capture without a session succeeded")
	}
	for _, e := range mustAudit(t, a) {
		if e.Action == "capture" {
			t.Fatalf("a refused capture was attempted: %+v", e)
		}
	}
	if code := post(analyst.Client, analyst.CSRF); code != http.StatusOK {
		t.Errorf("analyst: HTTP %d, want 200", code)
	}
}
