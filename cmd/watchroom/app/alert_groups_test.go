package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// groupsConfig is the e2e console with a webhook source, a new-author rule
// beside the high-severity one, alert notifications to a webhook, and
// alerts grouped per operation.
func groupsConfig(t *testing.T, hookURL string) string {
	text := fmt.Sprintf(e2eConfig, tempDataDir(t), "http://127.0.0.1:1/feed")
	text = strings.Replace(text, "watchlists:\n", `  - id: scanner
    name: Scanner tool
    kind: webhook
    options: {token_env: TEST_SCANNER_TOKEN, rate: "600", burst: "20"}
watchlists:
`, 1)
	return text + fmt.Sprintf(`  - id: new-author
    name: New author
    kind: new_author
alert_grouping:
  group_by: [operation]
notifiers:
  board_url: https://watchroom.test
  webhooks:
    - {name: duty-hook, url: %q, secret_env: HOOK_SECRET, kinds: [alert]}
`, hookURL)
}

func pushPost(t *testing.T, base, id, author string) {
	t.Helper()
	body := fmt.Sprintf(`{"items":[{"id":%q,"url":"https://forum.example/t/%s","author":%q,"title":"Free party tonight","text":"rave at the old mill"}]}`, id, id, author)
	if r := push(t, base+"/ingest/scanner", hookToken, "application/json", body); r.code != http.StatusOK || r.body["hits"] != 1.0 {
		t.Fatalf("push %s: %d %v", id, r.code, r.body)
	}
}

// Five posts within seconds, by three new authors, make four alerts on
// one operation: ONE webhook notification for the operation's group once
// group_wait has passed, counting them; a later new author is one more
// notification after group_interval, and nothing in between.
func TestFivePostsOneNotification(t *testing.T) {
	hook := newHookServer(t)
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC)) // the operation is imminent
	env := map[string]string{"TEST_SCANNER_TOKEN": hookToken, "HOOK_SECRET": "hook-secret"}
	a, base, _ := newTestApp(t, groupsConfig(t, hook.srv.URL), clock, func(k string) string { return env[k] })
	ctx := context.Background()
	for i, author := range []string{"@a", "@b", "@a", "@c", "@b"} {
		pushPost(t, base, fmt.Sprintf("p%d", i+1), author)
		clock.Add(time.Second)
	}
	// ume-hit, and a new-author alert for each of @a, @b, @c
	watchtest.WaitFor(t, "four alerts counting five hits", 10*time.Second, func() bool {
		open := a.alerts.Open()
		if len(open) != 4 {
			return false
		}
		for _, al := range open {
			if al.RuleID == "ume-hit" && len(al.Evidence) != 5 {
				return false
			}
		}
		return true
	})
	// the alerts fired when they were evaluated: the clock stands still
	// meanwhile, so now is their firing time, and the group's
	fired := clock.Now()
	flush := func() int {
		t.Helper()
		if err := a.alerts.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		a.notify.Wait(ctx)
		return hook.count()
	}
	if n := flush(); n != 0 {
		t.Fatalf("%d notifications within group_wait", n)
	}
	clock.Add(fired.Add(30 * time.Second).Sub(clock.Now()))
	if n := flush(); n != 1 {
		t.Fatalf("%d notifications after group_wait, want one for the group", n)
	}
	var p notify.AlertPayload
	if err := json.Unmarshal(hook.bodies[0], &p); err != nil {
		t.Fatal(err)
	}
	if p.Event != "firing" || p.Firing != 4 || len(p.Alerts) != 4 || p.Severity != "high" || p.Operation != "op1" ||
		p.GroupSummary != "4 alerts firing, 5 hits" || !strings.HasPrefix(p.Subject, "[watchroom] HIGH · FIRING: alerts (4 alerts) · Summer rave") {
		t.Fatalf("first notification %+v", p)
	}
	rules := map[string]int{}
	for _, al := range p.Alerts {
		rules[al.Rule]++
		if al.Rule == "ume-hit" && al.Summary != "5 high-severity hits, 3 authors in the last 1h" {
			t.Fatalf("ume-hit alert %+v", al)
		}
	}
	if rules["ume-hit"] != 1 || rules["new-author"] != 3 {
		t.Fatalf("alerts by rule %v", rules)
	}
	for _, leak := range []string{"@a", "@b", "@c", "rave at the old mill"} {
		if strings.Contains(string(hook.bodies[0]), leak) {
			t.Errorf("collected content %q left in the notification", leak)
		}
	}

	// a minute later, a fourth author: the group changed
	clock.Add(fired.Add(90 * time.Second).Sub(clock.Now()))
	pushPost(t, base, "p6", "@d")
	watchtest.WaitFor(t, "the fifth alert", 10*time.Second, func() bool { return len(a.alerts.Open()) == 5 })
	if n := flush(); n != 1 {
		t.Fatalf("%d notifications within group_interval", n)
	}
	clock.Add(fired.Add(30*time.Second + 5*time.Minute).Sub(clock.Now()))
	if n := flush(); n != 2 {
		t.Fatalf("%d notifications after group_interval, want one more", n)
	}
	if err := json.Unmarshal(hook.bodies[1], &p); err != nil {
		t.Fatal(err)
	}
	if p.Event != "changed" || p.Firing != 5 || p.GroupSummary != "5 alerts firing, 6 hits" {
		t.Fatalf("second notification %+v", p)
	}
	// nothing more without a change, until the repeat
	clock.Add(fired.Add(time.Hour).Sub(clock.Now()))
	if n := flush(); n != 2 {
		t.Fatalf("%d notifications without a change", n)
	}
}

// Resolving without a reason is refused with 400 and a message for the
// reason field; with a reason it resolves.
func TestResolveNeedsAReason(t *testing.T) {
	hook := newHookServer(t)
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	env := map[string]string{"TEST_SCANNER_TOKEN": hookToken, "HOOK_SECRET": "hook-secret"}
	a, base, _ := newTestApp(t, groupsConfig(t, hook.srv.URL), clock, func(k string) string { return env[k] })
	addUser(t, a, "pc1", "officer")
	pushPost(t, base, "p1", "@a")
	watchtest.WaitFor(t, "the alerts", 10*time.Second, func() bool { return len(a.alerts.Open()) == 2 })
	fp := a.alerts.Open()[0].Fingerprint
	w := signInHTTP(t, base, "pc1")
	resolve := func(reason string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+"/api/alerts/"+fp+"/resolve", strings.NewReader(fmt.Sprintf(`{"reason":%q}`, reason)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", w.CSRF)
		r, err := w.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatalf("reply %d: %q", r.StatusCode, raw)
		}
		return r.StatusCode, body
	}
	for _, reason := range []string{"", "   "} {
		code, body := resolve(reason)
		if code != http.StatusBadRequest || body["field"] != "reason" ||
			body["error"] != "Give a reason to resolve this alert (what happened, or why it needs no action)." {
			t.Fatalf("resolve with %q: %d %v", reason, code, body)
		}
	}
	if len(a.alerts.Open()) != 2 {
		t.Fatal("resolved without a reason")
	}
	if code, body := resolve("organiser cancelled the event"); code != http.StatusOK || body["state"] != "resolved" || body["reason"] != "organiser cancelled the event" {
		t.Fatalf("resolve: %d %v", code, body)
	}
}
