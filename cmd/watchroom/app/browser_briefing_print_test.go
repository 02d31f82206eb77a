package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// A briefing printed (to PDF, as a browser prints it) carries the
// classification marking at the top and foot of every page, and every
// page says its number.
func TestBrowserBriefingPrintsMarkingOnEveryPage(t *testing.T) {
	feed := newFeedServer(t)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	long := strings.Repeat("Sound system and a generator, bring friends, the gates open at ten. ", 8)
	for i := 0; i < 20; i++ {
		feed.add(feedItem{GUID: fmt.Sprintf("g%d", i), Title: fmt.Sprintf("Free party number %d", i), Text: long,
			Link: fmt.Sprintf("https://example.org/%d", i)})
	}
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.signIn(t, base, "analyst1", "op1")
	var pdf []byte
	tb.run(t, "make and print a briefing", chromedp.Navigate(base+"/briefings"),
		chromedp.WaitVisible("#generate-op1", chromedp.ByID),
		chromedp.Click("#generate-op1", chromedp.ByID),
		chromedp.WaitVisible(`body.briefing[data-charts="drawn"]`, chromedp.ByQuery),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
			return err
		}))
	if dir := os.Getenv("WATCHROOM_ARTIFACTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "briefing.pdf"), pdf, 0o644)
	}
	pages, err := pdfPageTexts(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 2 {
		t.Fatalf("%d printed page(s): the test wants a briefing longer than one page", len(pages))
	}
	squash := regexp.MustCompile(`\s+`)
	for i, p := range pages {
		p = squash.ReplaceAllString(p, "")
		if n := strings.Count(p, "OFFICIAL-SENSITIVE"); n < 2 {
			t.Errorf("page %d carries the marking %d time(s), want top and foot: %.200q", i+1, n, p)
		}
		if want := fmt.Sprintf("Page%dof%d", i+1, len(pages)); !strings.Contains(p, want) {
			t.Errorf("page %d lacks %q: %.200q", i+1, want, p)
		}
	}
}
