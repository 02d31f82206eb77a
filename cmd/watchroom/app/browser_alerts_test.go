package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// severityBoardConfig has one list per severity, each on its own
// operation, so one rule for every operation makes one alert per level;
// the routine operation's alerts are silenced.
const severityBoardConfig = `
server:
  data_dir: %q
fetch:
  allow_private: ["127.0.0.1/32"]
sources:
  - id: scanner
    name: Scanner tool
    kind: webhook
    options: {token_env: TEST_SCANNER_TOKEN, rate: "600", burst: "20"}
watchlists:
  - {id: chatter, name: Chatter, terms: [meetup], severity: routine}
  - {id: ume, name: Unlicensed music events, terms: [rave], severity: high}
  - {id: weapons, name: Weapons, terms: [machete], severity: critical}
operations:
  - {id: op-r, name: Routine op, start: 2026-11-28T18:00:00Z, end: 2026-11-29T04:00:00Z, watchlists: [chatter]}
  - {id: op-h, name: High op, start: 2026-11-28T18:00:00Z, end: 2026-11-29T04:00:00Z, watchlists: [ume]}
  - {id: op-c, name: Critical op, start: 2026-11-28T18:00:00Z, end: 2026-11-29T04:00:00Z, watchlists: [weapons]}
alerts:
  - {id: any-hit, name: Any hit, kind: severity, severity: routine}
silences:
  - id: quiet-routine
    matchers: {operation: op-r}
    start: 2026-11-28T19:00:00Z
    end: 2026-11-29T04:00:00Z
    reason: "Known chatter"
    author: "Sgt Test"
`

// styleOf reads computed styles of the first element matching sel.
const styleJS = `(() => {
  const out = {};
  for (const li of document.querySelectorAll(%q)) {
    const cs = getComputedStyle(li);
    const name = li.querySelector('.name');
    const icon = li.querySelector('.sev-badge .sev-icon');
    const word = li.querySelector('.sev-badge .sev-word');
    out[li.dataset.severity] = {
      border: cs.borderLeftColor, display: cs.display, fontSize: parseFloat(cs.fontSize),
      nameWeight: name ? getComputedStyle(name).fontWeight : "",
      icon: icon ? icon.textContent : "", word: word ? word.textContent : "",
      badge: li.querySelector('.sev-badge') ? getComputedStyle(li.querySelector('.sev-badge')).backgroundColor : "",
      state: li.dataset.state, silenced: li.classList.contains('silenced')
    };
  }
  return out;
})()`

type sevStyle struct {
	Border, Display, NameWeight, Icon, Word, Badge, State string
	FontSize                                              float64
	Silenced                                              bool
}

// The board shows each severity in its own colour AND with its own icon
// and word, on hit cards (also on the wall) and alerts; firing alerts sort
// above acknowledged ones, most severe first; a silenced alert is shown at
// reduced weight and can be hidden, a choice the browser remembers.
func TestBrowserAlertSeverityOrderAndSilenced(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	env := map[string]string{"TEST_SCANNER_TOKEN": hookToken}
	a, base, _ := newTestApp(t, fmt.Sprintf(severityBoardConfig, tempDataDir(t)), clock, func(k string) string { return env[k] })
	addUser(t, a, "pc1", watch.RoleOfficer)
	for i, text := range []string{"meetup", "rave", "machete"} {
		pushPostText(t, base, fmt.Sprintf("p%d", i+1), text)
		clock.Add(time.Second)
	}
	watchtest.WaitFor(t, "three alerts", 10*time.Second, func() bool { return len(a.alerts.Open()) == 3 })
	// the critical alert is acknowledged: it sorts below the firing ones
	for _, al := range a.alerts.Open() {
		if al.Operation == "op-c" {
			if _, err := a.alerts.Ack(context.Background(), al.Fingerprint, "pc1"); err != nil {
				t.Fatal(err)
			}
		}
	}

	tb := newTab(t)
	tb.signIn(t, base, "pc1", "all")
	tb.run(t, "alerts and hits shown",
		chromedp.WaitVisible(`#alerts li.alert.state-acknowledged`, chromedp.ByQuery),
		chromedp.WaitVisible(`#hits li.hit.sev-critical`, chromedp.ByQuery))
	if n := tb.count(t, "#alerts li.alert"); n != 3 {
		t.Fatalf("%d alerts shown", n)
	}
	var order []string
	tb.run(t, "order", chromedp.Evaluate(`[...document.querySelectorAll('#alerts li.alert')].map(li => li.dataset.state + ":" + li.dataset.severity)`, &order))
	if fmt.Sprint(order) != "[firing:high firing:routine acknowledged:critical]" {
		t.Fatalf("alert order %v: firing first, then most severe", order)
	}

	distinct := func(what string, got map[string]sevStyle) {
		t.Helper()
		if len(got) != 3 {
			t.Fatalf("%s: %d severities shown: %+v", what, len(got), got)
		}
		borders, icons := map[string]bool{}, map[string]bool{}
		for lv, s := range got {
			if s.Icon == "" || s.Word == "" || s.Border == "" || s.Badge == "" {
				t.Fatalf("%s %s: no mark %+v", what, lv, s)
			}
			borders[s.Border], icons[s.Icon] = true, true
		}
		if len(borders) != 3 || len(icons) != 3 {
			t.Fatalf("%s: colours %v, icons %v: each severity needs its own", what, borders, icons)
		}
		if got["routine"].Word != "Routine" || got["high"].Word != "High" || got["critical"].Word != "Critical" {
			t.Fatalf("%s: words %+v", what, got)
		}
	}
	var hits, alertStyles map[string]sevStyle
	tb.run(t, "styles",
		chromedp.Evaluate(fmt.Sprintf(styleJS, "#hits li.hit"), &hits),
		chromedp.Evaluate(fmt.Sprintf(styleJS, "#alerts li.alert"), &alertStyles))
	distinct("hit cards", hits)
	distinct("alerts", alertStyles)

	// the silenced (routine) alert: reduced weight, then hidden and remembered
	sil, other := alertStyles["routine"], alertStyles["high"]
	if !sil.Silenced || sil.FontSize >= other.FontSize || sil.NameWeight != "400" || other.NameWeight != "700" || sil.Display == "none" {
		t.Fatalf("silenced %+v, firing %+v", sil, other)
	}
	tb.run(t, "hide silenced", chromedp.Click(`#hide-silenced`, chromedp.ByQuery))
	check := func(what string) {
		t.Helper()
		var st map[string]sevStyle
		tb.run(t, what, chromedp.Evaluate(fmt.Sprintf(styleJS, "#alerts li.alert"), &st))
		if st["routine"].Display != "none" || st["high"].Display == "none" || st["critical"].Display == "none" {
			t.Fatalf("%s: %+v", what, st)
		}
	}
	check("hidden")
	tb.run(t, "reload", chromedp.Reload(), chromedp.WaitVisible(`#alerts li.alert.state-acknowledged`, chromedp.ByQuery))
	check("still hidden after a reload")
	var checked bool
	tb.run(t, "toggle state", chromedp.Evaluate(`document.getElementById('hide-silenced').checked`, &checked))
	if !checked {
		t.Fatal("the toggle was not remembered")
	}

	// the wall carries the same marks on its hit cards
	var wall map[string]sevStyle
	tb.run(t, "wall", chromedp.Navigate(base+"/board/all?wall=1"),
		chromedp.WaitVisible(`#hits li.hit.sev-critical .sev-badge`, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(styleJS, "#hits li.hit"), &wall))
	distinct("wall hit cards", wall)
	if tb.errors.Load() != 0 {
		t.Fatalf("%d page errors: %s", tb.errors.Load(), <-tb.logs)
	}
}

// Resolving without a reason shows the message beside the reason field.
func TestBrowserResolveAsksForAReason(t *testing.T) {
	clock := watchtest.NewClock(time.Date(2026, 11, 28, 20, 0, 0, 0, time.UTC))
	env := map[string]string{"TEST_SCANNER_TOKEN": hookToken}
	a, base, _ := newTestApp(t, fmt.Sprintf(severityBoardConfig, tempDataDir(t)), clock, func(k string) string { return env[k] })
	addUser(t, a, "pc1", watch.RoleOfficer)
	pushPostText(t, base, "p1", "machete")
	watchtest.WaitFor(t, "the alert", 10*time.Second, func() bool { return len(a.alerts.Open()) == 1 })
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "all")
	var msg, describedBy, errID, invalid string
	tb.run(t, "resolve without a reason",
		chromedp.WaitVisible(`#alerts li.alert button.resolve`, chromedp.ByQuery),
		chromedp.Click(`#alerts li.alert button.resolve`, chromedp.ByQuery),
		chromedp.WaitVisible(`#alerts li.alert .reason-error`, chromedp.ByQuery),
		chromedp.Text(`#alerts li.alert .reason-error`, &msg, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#alerts li.alert input.reason').getAttribute('aria-describedby')`, &describedBy),
		chromedp.Evaluate(`document.querySelector('#alerts li.alert .reason-error').id`, &errID),
		chromedp.Evaluate(`document.querySelector('#alerts li.alert input.reason').getAttribute('aria-invalid')`, &invalid))
	if msg != "Give a reason to resolve this alert (what happened, or why it needs no action)." || describedBy != errID || invalid != "true" {
		t.Fatalf("message %q, described by %q (error %q), invalid %q", msg, describedBy, errID, invalid)
	}
	if len(a.alerts.Open()) != 1 {
		t.Fatal("resolved without a reason")
	}
	tb.run(t, "resolve with a reason",
		chromedp.SendKeys(`#alerts li.alert input.reason`, "seized at the scene", chromedp.ByQuery),
		chromedp.Click(`#alerts li.alert button.resolve`, chromedp.ByQuery),
		chromedp.WaitVisible(`#no-alerts`, chromedp.ByQuery))
}

func pushPostText(t *testing.T, base, id, text string) {
	t.Helper()
	body := fmt.Sprintf(`{"items":[{"id":%q,"url":"https://forum.example/t/%s","author":"@x","title":"Post %s","text":%q}]}`, id, id, id, text)
	if r := push(t, base+"/ingest/scanner", hookToken, "application/json", body); r.code != 200 || r.body["hits"] != 1.0 {
		t.Fatalf("push %s: %d %v", id, r.code, r.body)
	}
}
