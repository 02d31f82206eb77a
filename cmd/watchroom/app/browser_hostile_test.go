package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// The hostile corpus (testdata/hostile_feed.xml) on a real board: nothing
// in it runs, opens a dialog, reaches the DOM as markup or breaks the
// layout; direction and width controls in names and links are shown.
func TestBrowserHostileCorpus(t *testing.T) {
	raw, err := os.ReadFile("testdata/hostile_feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	feed := newFeedServer(t)
	feed.raw = raw
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	const n = 16
	tb.run(t, "every hostile item is a hit on the board", chromedp.WaitVisible(fmt.Sprintf(`#hits li.hit:nth-child(%d)`, n), chromedp.ByQuery))
	if got := tb.count(t, "#hits li.hit"); got != n {
		t.Fatalf("%d hits, want %d", got, n)
	}
	if got := tb.count(t, `#hits script, #hits img, #hits svg, #hits iframe, #hits object, #hits embed, #hits style, #hits link,
		#hits meta, #hits form:not(.annotate), #hits input:not([name=tags]):not([name=team]), #hits marquee, #hits [style], #hits [onerror], #hits [onload], #hits [onmouseover],
		#hits a[href^="javascript:"], #hits a[href^="data:"], #hits a[href*="evil.invalid"]`); got != 0 {
		var which string
		tb.run(t, "which", chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits *')).filter(e => e.matches('script,img,svg,iframe,object,embed,style,link,meta,form:not(.annotate),input:not([name=tags]):not([name=team]),marquee,[style],[onerror],[onload],[onmouseover]')).map(e => e.outerHTML.slice(0,120)).join('\n')`, &which))
		t.Fatalf("%d hostile elements reached the DOM:\n%s", got, which)
	}
	var state struct {
		Pwned      bool   `json:"pwned"`
		Overflow   bool   `json:"overflow"`
		Background string `json:"background"`
		Display    string `json:"display"`
		Inline     int    `json:"inline"`
	}
	tb.run(t, "page state", chromedp.Evaluate(`({
		pwned: window.__pwned !== undefined,
		overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
		background: getComputedStyle(document.body).backgroundColor,
		display: getComputedStyle(document.body).display,
		inline: document.querySelectorAll('script:not([src])').length
	})`, &state))
	if state.Pwned || state.Overflow || state.Display == "none" || state.Background == "rgb(255, 0, 0)" || state.Inline != 0 {
		t.Fatalf("page state %+v", state)
	}
	// the CSP blocks inline script, even one added to the DOM
	var blocked bool
	tb.run(t, "csp", chromedp.Evaluate(`new Promise(resolve => {
		let violated = false;
		document.addEventListener('securitypolicyviolation', () => { violated = true; });
		const s = document.createElement('script');
		s.textContent = 'window.__inline = 1';
		document.body.appendChild(s);
		setTimeout(() => resolve(violated && window.__inline === undefined), 200);
	})`, &blocked, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !blocked {
		t.Fatal("an inline script ran: the CSP did not block it")
	}
	// direction and width controls are made visible in names and links
	var authors, links string
	tb.run(t, "revealed", chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits .author')).map(e => e.textContent).join('|')`, &authors),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits a.link')).map(e => e.textContent).join('|')`, &links))
	for _, want := range []string{"admin[RLO]gnp.exe", "po[ZWSP]lice[ZWJ]official"} {
		if !strings.Contains(authors, want) {
			t.Errorf("authors %q lack %q", authors, want)
		}
	}
	if !strings.Contains(links, "https://example.org/[RLO]gpj.exe") {
		t.Errorf("links %q do not reveal the override", links)
	}
	// the literal markup in a title is shown as its characters
	var titles string
	tb.run(t, "titles", chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits .title')).map(e => e.textContent).join('|')`, &titles))
	if !strings.Contains(titles, "<img src=x onerror=alert(9)> rave escaped") || !strings.Contains(titles, "{{constructor.constructor('alert(13)')()}} rave template") {
		t.Errorf("titles %q", titles)
	}
	var texts string
	tb.run(t, "texts", chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits .text')).map(e => e.textContent).join('|')`, &texts))
	if !strings.Contains(texts, "<img src=x onerror=alert(15)><svg onload=alert(16)></svg><style>body{display:none}</style> rave") {
		t.Errorf("literal markup not shown as text: %q", texts)
	}
	if tb.dialogs.Load() != 0 || tb.errors.Load() != 0 {
		t.Fatalf("%d dialogs, %d page errors", tb.dialogs.Load(), tb.errors.Load())
	}

	// a 10 MB title: the body cap refuses it and the source says why
	feed.raw = append(append([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><guid>big</guid><title>rave `),
		bytes.Repeat([]byte("A"), 10<<20)...), []byte(`</title></item></channel></rss>`)...)
	if err := a.pollNow(context.Background(), "local"); err == nil {
		t.Fatal("a 10 MB feed was accepted")
	}
	var reason string
	tb.run(t, "too large shown", chromedp.WaitVisible(`#source-local.source-failing .reason`, chromedp.ByQuery),
		chromedp.Text(`#source-local .reason`, &reason, chromedp.ByQuery))
	if !strings.Contains(strings.ToLower(reason), "large") {
		t.Fatalf("reason %q", reason)
	}
}
