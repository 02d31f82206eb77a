package app

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Dates people type are held to a year back and five years ahead: a
// silence starting in year 0001 (or 2999) is refused with the window
// named, what was typed kept; one next week is taken.
func TestTypedDatesOutsideTheWindowRefused(t *testing.T) {
	feed := newFeedServer(t)
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), feed.url)
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, text, clock, nil)
	addUser(t, a, "pc1", watch.RoleOfficer)
	pc := signInHTTP(t, base, "pc1")
	for _, start := range []string{"0001-01-01T00:00", "2999-01-01T10:00", "2025-11-01T10:00"} {
		code, page := pc.PostForm(t, "/silences", url.Values{"rule": {"ume-hit"}, "for": {"2h"}, "reason": {"slip"}, "start": {start}})
		if code != http.StatusBadRequest {
			t.Fatalf("start %s: HTTP %d", start, code)
		}
		mustContain(t, "refusal", page, `id="problem"`, "The start must be a date between 20 Nov 2025 and 20 Nov 2031.", `value="`+start+`"`)
	}
	if n := len(a.alerts.Silences()); n != 0 {
		t.Fatalf("%d silences", n)
	}
	if code, page := pc.PostForm(t, "/silences", url.Values{"rule": {"ume-hit"}, "for": {"2h"}, "reason": {"next week"}, "start": {"2026-11-27T10:00"}}); code != http.StatusSeeOther {
		t.Fatalf("a start next week: HTTP %d\n%s", code, page)
	}
}
