package app

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// consoleTime is the one format of a time everywhere in the console.
var consoleTime = regexp.MustCompile(`^\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|BST|UTC)$`)

// A search finds hits an officer can act on, as on the live list; the
// search and the filters survive a reload.
func TestBrowserSearchResults(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	ctx := context.Background()
	feed.add(feedItem{GUID: "g1", Title: "Free party on the common", Link: "https://example.org/1"})
	feed.add(feedItem{GUID: "g2", Title: "Another free party tonight", Link: "https://example.org/2"})
	feed.add(feedItem{GUID: "g3", Title: "Rave in the woods", Link: "https://example.org/3"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	tb.run(t, "three hits", chromedp.WaitVisible(`#hits li.hit:nth-child(3)`, chromedp.ByQuery))

	// an excluded word excludes
	tb.run(t, "search", chromedp.SendKeys(`#search`, `"free party" -common`, chromedp.ByID),
		chromedp.WaitVisible(`#results li.result`, chromedp.ByQuery))
	var got struct {
		N                int
		Title, Mark      string
		Href             string
		Found, LiveFound string
		Form, Claim      bool
		URL              string
	}
	tb.run(t, "the result", chromedp.Evaluate(`(() => {
		const r = document.querySelector("#results li.result");
		const id = r.dataset.hit;
		return {N: document.querySelectorAll("#results li.result").length,
			Title: r.querySelector(".title").textContent,
			Mark: Array.from(r.querySelectorAll(".title mark")).map(m => m.textContent).join("|"),
			Href: r.querySelector("a.link") ? r.querySelector("a.link").href : "",
			Found: r.querySelector("time.found").textContent,
			LiveFound: document.querySelector("#hit-" + id + " time.found").textContent,
			Form: !!r.querySelector("button.annotate-open:not([hidden])"),
			Claim: !r.querySelector("button.claim-toggle").hidden,
			URL: location.search};
	})()`, &got))
	if got.N != 1 || got.Title != "Another free party tonight" || got.Mark != "free party" || got.Href != "https://example.org/2" ||
		!got.Form || !got.Claim {
		t.Fatalf("result: %+v", got)
	}
	if !consoleTime.MatchString(got.Found) || got.Found != got.LiveFound {
		t.Fatalf("found %q on the result, %q on the live list", got.Found, got.LiveFound)
	}
	if q, _ := url.ParseQuery(strings.TrimPrefix(got.URL, "?")); q.Get("q") != `"free party" -common` {
		t.Fatalf("address %q", got.URL)
	}

	// annotate and claim from the result
	tb.run(t, "annotate a result", chromedp.Click(`#results li.result button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#results li.result textarea`, "Checked from the search", chromedp.ByQuery),
		chromedp.Click(`#results li.result form.annotate button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#results li.result .annotation .note`, chromedp.ByQuery))
	var note string
	tb.run(t, "its note", chromedp.Text(`#results li.result .annotation .note`, &note, chromedp.ByQuery))
	if note != "Checked from the search" {
		t.Fatalf("note %q", note)
	}
	tb.run(t, "claim a result", chromedp.Click(`#results li.result button.claim-toggle`, chromedp.ByQuery),
		chromedp.WaitVisible(`#results li.result[data-claimed-by="pc1"]`, chromedp.ByQuery))

	// filters and the search come back after a reload
	tb.run(t, "severity filter", chromedp.SetValue(`#filter-severity`, "high", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('filter-severity').dispatchEvent(new Event('change'))`, nil),
		chromedp.Reload(), chromedp.WaitVisible(`#results li.result`, chromedp.ByQuery))
	var after struct{ Q, Sev, Title string }
	tb.run(t, "after reload", chromedp.Evaluate(`({Q: document.getElementById("search").value,
		Sev: document.getElementById("filter-severity").value,
		Title: document.querySelector("#results li.result .title").textContent})`, &after))
	if after.Q != `"free party" -common` || after.Sev != "high" || after.Title != "Another free party tonight" {
		t.Fatalf("after reload: %+v", after)
	}

	// a hit another officer works on: its button is disabled and looks it
	pc2 := signInHTTP(t, base, "pc2")
	var id int
	tb.run(t, "a hit id", chromedp.Evaluate(`Number(document.querySelector("#hits li.hit:not([data-claimed-by])").dataset.hit)`, &id))
	if code, _ := pc2.PostForm(t, fmt.Sprintf("/api/hits/%d/claim", id), url.Values{}); code != http.StatusOK {
		t.Fatalf("claim by pc2: HTTP %d", code)
	}
	var look struct {
		Disabled          bool
		Cursor            string
		Color, EnabledCol string
		Border            string
	}
	tb.run(t, "disabled look", chromedp.WaitReady(fmt.Sprintf(`#hit-%d[data-claimed-by="pc2"]`, id), chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(`(() => {
		const b = document.querySelector("#hit-%d button.claim-toggle");
		const e = Array.from(document.querySelectorAll("#hits button.claim-toggle")).find(x => !x.disabled);
		const s = getComputedStyle(b);
		return {Disabled: b.disabled, Cursor: s.cursor, Color: s.color, EnabledCol: getComputedStyle(e).color, Border: s.borderTopStyle};
	})()`, id), &look))
	if !look.Disabled || look.Cursor != "not-allowed" || look.Color == look.EnabledCol || look.Border != "dashed" {
		t.Fatalf("a disabled button looks enabled: %+v", look)
	}
}

// Every page has the same navigation for a role; the favicon is served.
func TestBrowserNavigationAndTimes(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "viewer1", watch.RoleViewer)
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "an1", watch.RoleAnalyst)
	for _, c := range []struct {
		user  string
		pages []string
		want  string
	}{
		{"viewer1", []string{"/board/all", "/board/op1", "/operations", "/briefings", "/requests"}, "Boards|Operations|Briefings|Requests"},
		{"pc1", []string{"/board/all", "/operations", "/briefings", "/silences", "/referrals", "/referrals/new", "/evidence", "/requests"}, "Boards|Operations|Briefings|Silences|Referrals|Evidence|Requests"},
		{"an1", []string{"/board/all", "/operations", "/operations/new", "/briefings", "/silences", "/watchlists", "/sources", "/referrals", "/evidence", "/evidence/capture", "/requests", "/tasking", "/demand"},
			"Boards|Operations|Briefings|Silences|Watch lists|Sources|Referrals|Evidence|Requests|Tasking|Demand"},
	} {
		w := signInHTTP(t, base, c.user)
		for _, p := range c.pages {
			code, body := w.Get(t, p)
			if code != http.StatusOK {
				t.Fatalf("%s %s: HTTP %d", c.user, p, code)
			}
			if got := navLabels(body); got != c.want {
				t.Errorf("%s %s: nav %q, want %q", c.user, p, got, c.want)
			}
			if !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg"`) {
				t.Errorf("%s %s: no icon", c.user, p)
			}
		}
	}
	for _, p := range []string{"/static/favicon.svg", "/favicon.ico"} {
		r, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/svg+xml" {
			t.Errorf("%s: HTTP %d %s", p, r.StatusCode, r.Header.Get("Content-Type"))
		}
	}

	// times: the operations page (server) and the board (browser) write
	// them the same way, the zone shown
	an := signInHTTP(t, base, "an1")
	_, ops := an.Get(t, "/operations")
	if !strings.Contains(ops, "(28 Nov 2026 18:00:00 GMT to 29 Nov 2026 04:00:00 GMT)") {
		t.Errorf("operations page: no time in the one format")
	}
	feed.add(feedItem{GUID: "g1", Title: "Rave in the woods", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	an.PostForm(t, "/briefings/generate", url.Values{"operation": {"op1"}})
	_, list := an.Get(t, "/briefings")
	if m := regexp.MustCompile(`<td>(\d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \w+)</td>`).FindStringSubmatch(list); m == nil || !consoleTime.MatchString(m[1]) {
		t.Errorf("briefings page: no time in the one format")
	}
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	var times []string
	tb.run(t, "board times", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#hits li.hit time")).map(t => t.textContent)`, &times))
	if len(times) != 2 {
		t.Fatalf("times %q", times)
	}
	for _, s := range times {
		if !consoleTime.MatchString(s) {
			t.Errorf("board time %q", s)
		}
	}
}

var navLink = regexp.MustCompile(`<a href="[^"]*"(?: aria-current="page")?>([^<]+)</a>`)

// navLabels are the labels of the page's navigation, | between.
func navLabels(body string) string {
	i := strings.Index(body, `<nav class="pages"`)
	if i < 0 {
		return ""
	}
	nav := body[i:]
	nav = nav[:strings.Index(nav, "</nav>")]
	var out []string
	for _, m := range navLink.FindAllStringSubmatch(nav, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, "|")
}
