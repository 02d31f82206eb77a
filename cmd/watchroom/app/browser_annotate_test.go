package app

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Two officers annotate the same hit at the same moment: both annotations
// are kept and shown on both boards. Flag (keyboard f) and escalate (the
// form) show their kind everywhere.
func TestBrowserConcurrentAnnotationsAndKinds(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "pc2", watch.RoleOfficer)
	one, two := newTab(t), newTab(t)
	one.signIn(t, base, "pc1", "op1")
	two.signIn(t, base, "pc2", "op1")
	feed.add(feedItem{GUID: "g1", Title: "Rave under the bridge", Link: "https://example.org/1"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []*tab{one, two} {
		tb.run(t, "hit", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))
	}
	// both type, then both submit at once
	one.run(t, "type 1", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "From pc1", chromedp.ByQuery))
	two.run(t, "type 2", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit textarea`, "From pc2", chromedp.ByQuery))
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, tb := range []*tab{one, two} {
		wg.Add(1)
		go func(tb *tab) {
			defer wg.Done()
			// submitted as the button does, but not by a click at the
			// button's coordinates: the other officer's note arriving live
			// can move the button between locating it and clicking there
			errs <- chromedp.Run(tb.ctx, chromedp.Evaluate(`document.querySelector('#hits li.hit form.annotate').requestSubmit(
				document.querySelector('#hits li.hit form.annotate button[type=submit]'))`, nil))
		}(tb)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	watchtest.WaitFor(t, "both annotations stored", 20*time.Second, func() bool {
		v, err := a.store.Hit(context.Background(), 1)
		return err == nil && len(v.Annotations) == 2
	})
	for _, tb := range []*tab{one, two} {
		var notes string
		tb.run(t, "both annotations", chromedp.WaitVisible(`#hits li.hit .annotation:nth-child(2)`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit .annotation .note')).map(e => e.textContent).sort().join('|')`, &notes))
		if notes != "From pc1|From pc2" {
			t.Fatalf("notes %q", notes)
		}
	}
	// flag with the keyboard
	one.run(t, "flag", chromedp.KeyEvent("j"), chromedp.KeyEvent("f"))
	// escalate with the form
	two.run(t, "escalate", chromedp.Click(`#hits li.hit button.annotate-open`, chromedp.ByQuery),
		chromedp.SetValue(`#hits li.hit select[name=kind]`, "escalate", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#hits li.hit select[name=kind]').dispatchEvent(new Event('change'))`, nil),
		chromedp.WaitVisible(`#hits li.hit label.team`, chromedp.ByQuery),
		chromedp.SendKeys(`#hits li.hit input[name=team]`, "Gangs Unit", chromedp.ByQuery),
		chromedp.Click(`#hits li.hit form.annotate button[type=submit]`, chromedp.ByQuery))
	for _, tb := range []*tab{one, two} {
		var kinds string
		tb.run(t, "kinds shown", chromedp.WaitVisible(`#hits li.hit[data-flagged="yes"] .annotation:nth-child(4)`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#hits li.hit .annotation .kind')).map(e => e.textContent.trim()).sort().join('|')`, &kinds))
		if kinds != "escalated to Gangs Unit|flagged for referral to the platform" {
			t.Fatalf("kinds %q", kinds)
		}
	}
	v, err := a.store.Hit(context.Background(), 1)
	if err != nil || len(v.Annotations) != 4 {
		t.Fatalf("stored %+v %v", v.Annotations, err)
	}
	got := []string{}
	for _, an := range v.Annotations {
		got = append(got, an.Kind)
	}
	if strings.Join(got[2:], ",") != "flag,escalate" || v.Annotations[3].Team != "Gangs Unit" {
		t.Fatalf("kinds stored %v", got)
	}
}
