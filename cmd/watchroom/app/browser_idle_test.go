package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// An officer on a shared desk sees when the session ends if idle; typing
// on the page moves the end; left alone past it, the page goes to the
// sign-in page saying why.
func TestBrowserIdleTimeoutShownAndTakingEffect(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	yaml := fmt.Sprintf("server:\n  data_dir: %q\n  timezone: UTC\n  session_idle_timeout: 30m\n  session_idle_timeout_by_role:\n    officer: 10m\n", tempDataDir(t))
	a, base, _ := newTestApp(t, yaml, clock, nil)
	addUser(t, a, "pc1", watch.RoleOfficer)
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "all")
	var text string
	tb.run(t, "read the idle end", chromedp.Text("#idle-ends", &text, chromedp.ByID))
	if !strings.Contains(text, "Signs out after 10 min idle, at 3 Dec 2026 09:10:00 UTC") {
		t.Fatalf("header says %q", text)
	}
	// a key pressed on the page is reported and the end moves
	clock.Add(6 * time.Minute)
	tb.run(t, "type", chromedp.Evaluate(`window.watchroomIdle.report()`, nil))
	watchtest.WaitFor(t, "the idle end to move", 30*time.Second, func() bool {
		tb.run(t, "read", chromedp.Text("#idle-ends", &text, chromedp.ByID))
		return strings.Contains(text, "09:16:00")
	})
	// left alone for 10 minutes: the page's next check finds the session gone
	clock.Add(10 * time.Minute)
	tb.run(t, "the periodic check", chromedp.Evaluate(`window.watchroomIdle.check()`, nil))
	tb.run(t, "the sign-in page", chromedp.WaitVisible("#username", chromedp.ByID), chromedp.Text(".login .error", &text, chromedp.ByQuery))
	if !strings.Contains(text, "signed out after a time without activity") {
		t.Fatalf("sign-in page says %q", text)
	}
	var url string
	tb.run(t, "reopen the board", chromedp.Navigate(base+"/board/all"), chromedp.WaitVisible("#username", chromedp.ByID), chromedp.Location(&url))
	if !strings.Contains(url, "/login") {
		t.Fatalf("the board opened after the idle timeout: %s", url)
	}
}
