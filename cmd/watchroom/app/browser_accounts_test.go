package app

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// An admin resets an officer's password on the Accounts page and reads
// the temporary one; the officer signs in with it, can open nothing but
// "Choose a new password", has a common password refused, chooses a good
// one and reaches the boards. The admin then disables the account (the
// officer's open board is signed out) and deletes it, and the audit log
// keeps the officer's name on what they did.
func TestBrowserAdminResetsAndRemovesAccess(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, fmt.Sprintf("server:\n  data_dir: %q\n  timezone: UTC\n", tempDataDir(t)), clock, nil)
	addUser(t, a, "boss", watch.RoleAdmin)
	addUser(t, a, "pc1", watch.RoleOfficer)
	admin, officer := newTab(t), newTab(t)
	admin.signIn(t, base, "boss", "all")

	var text string
	admin.run(t, "reset pc1's password",
		chromedp.Navigate(base+"/admin/users"),
		chromedp.WaitVisible(`tr[data-user="pc1"] button.reset`, chromedp.ByQuery),
		chromedp.Click(`tr[data-user="pc1"] button.reset`, chromedp.ByQuery),
		chromedp.WaitVisible("#temp-password", chromedp.ByID),
		chromedp.Text("#temp-password code", &text, chromedp.ByQuery),
		chromedp.Text(`tr[data-user="pc1"] .state`, new(string), chromedp.ByQuery),
	)
	temp := strings.TrimSpace(text)
	if !regexp.MustCompile(`^[a-z2-7]{5}(-[a-z2-7]{5}){3}$`).MatchString(temp) {
		t.Fatalf("temporary password %q", temp)
	}
	admin.run(t, "state", chromedp.Text(`tr[data-user="pc1"] .state`, &text, chromedp.ByQuery))
	if text != "must-change" {
		t.Fatalf("pc1's state after reset: %q", text)
	}

	officer.run(t, "sign in with the temporary password",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", "pc1", chromedp.ByID),
		chromedp.SendKeys("#password", temp, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("#change-password", chromedp.ByID),
		// nothing else opens
		chromedp.Navigate(base+"/board/all"),
		chromedp.WaitVisible("#change-password", chromedp.ByID),
		// a common password is refused, saying why
		chromedp.SendKeys("#current", temp, chromedp.ByID),
		chromedp.SendKeys("#new", "password1234", chromedp.ByID),
		chromedp.SendKeys("#confirm", "password1234", chromedp.ByID),
		chromedp.Click("#change-password", chromedp.ByID),
		chromedp.WaitVisible(".login .error", chromedp.ByQuery),
		chromedp.Text(".login .error", &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "most common passwords") {
		t.Fatalf("common password refusal says %q", text)
	}
	officer.run(t, "choose a good password",
		chromedp.SendKeys("#current", temp, chromedp.ByID),
		chromedp.SendKeys("#new", "staple orbit lantern", chromedp.ByID),
		chromedp.SendKeys("#confirm", "staple orbit lantern", chromedp.ByID),
		chromedp.Click("#change-password", chromedp.ByID),
		chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
	)

	// disable: the officer's open board is closed at once and goes to sign in
	admin.run(t, "disable pc1",
		chromedp.Navigate(base+"/admin/users"),
		chromedp.WaitVisible(`tr[data-user="pc1"] button.disable`, chromedp.ByQuery),
		chromedp.Click(`tr[data-user="pc1"] button.disable`, chromedp.ByQuery),
		chromedp.WaitVisible(`tr[data-user="pc1"] button.enable`, chromedp.ByQuery),
	)
	var why string
	officer.run(t, "the board is signed out", chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.Text("main", &why, chromedp.ByQuery))
	if !strings.Contains(why, "Your session ended or your access changed") {
		t.Fatalf("the sign-in page says %q", why)
	}

	// delete, with the name typed to confirm
	admin.run(t, "delete pc1",
		chromedp.SendKeys(`tr[data-user="pc1"] input[name="confirm"]`, "pc1", chromedp.ByQuery),
		chromedp.Click(`tr[data-user="pc1"] button.delete`, chromedp.ByQuery),
		// the page from the disable above has a notice too: wait for the
		// delete's own
		chromedp.WaitVisible(`//p[@id="accounts-notice"][contains(., "is deleted")]`, chromedp.BySearch),
		chromedp.Text(`tr[data-user="pc1"] .state`, &text, chromedp.ByQuery),
	)
	if text != "deleted" {
		t.Fatalf("pc1's state after delete: %q", text)
	}
	log, err := a.store.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		if e := log[i]; e.Target == "user:pc1" && e.Action != "login" && e.Action != "user_add" && e.Action != "consult" {
			got = append(got, e.Actor+":"+e.Action)
		}
	}
	want := "boss:password_reset pc1:password_change boss:user_disable boss:user_delete"
	if strings.Join(got, " ") != want {
		t.Fatalf("audit:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}
