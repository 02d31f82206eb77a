package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
)

// An analyst captures a hit from the board (a hostile page, rendered in
// the console's own browser), makes a case, adds the capture as an
// exhibit and downloads the package, which verifies. The captured page
// never reaches the console's DOM: no script of it runs, none of its
// elements is there, its files are downloads.
func TestBrowserEvidenceFromBoardToPackage(t *testing.T) {
	chromiumPath(t)
	a, base, feed, _ := evidenceAppFeed(t, "auto")
	site := evidenceSite(t)
	addUser(t, a, "an1", watch.RoleAnalyst)
	feed.add(feedItem{GUID: "h1", Title: "Free party tonight", Text: "rave at the car park", Link: site + "/hostile"})
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	downloads := t.TempDir()
	done := make(chan string, 4)
	chromedp.ListenTarget(tb.ctx, func(ev any) {
		if e, ok := ev.(*browser.EventDownloadProgress); ok && e.State == browser.DownloadProgressStateCompleted {
			done <- e.GUID
		}
	})
	tb.signIn(t, base, "an1", "all")
	var href, url string
	tb.run(t, "capture from the hit card",
		chromedp.WaitVisible(`#hits li.hit a.capture-evidence`, chromedp.ByQuery),
		chromedp.AttributeValue(`#hits li.hit a.capture-evidence`, "href", &href, nil, chromedp.ByQuery),
		chromedp.Click(`#hits li.hit a.capture-evidence`, chromedp.ByQuery),
		chromedp.WaitVisible("#capture-form", chromedp.ByID),
		chromedp.Value("#cap-url", &url, chromedp.ByID),
	)
	if !strings.HasPrefix(href, "/evidence/capture?hit=") || url != site+"/hostile" {
		t.Fatalf("hit card link %q, prefilled URL %q", href, url)
	}
	var rendered, title string
	tb.run(t, "capture",
		chromedp.SendKeys("#cap-note", "calls people to an unlicensed event", chromedp.ByID),
		chromedp.Click("#capture", chromedp.ByID),
		chromedp.WaitVisible("#capture-facts", chromedp.ByID),
		chromedp.Text("#render-state", &rendered, chromedp.ByID),
		chromedp.Title(&title),
	)
	if !strings.HasPrefix(rendered, "rendered") {
		t.Errorf("render state %q, want rendered", rendered)
	}
	noHostile := func(where string) {
		t.Helper()
		var planted, pwned int
		var title string
		tb.run(t, "look for the hostile page in "+where,
			chromedp.Evaluate(`document.querySelectorAll("#planted, script:not([src]), img[onerror]").length`, &planted),
			chromedp.Evaluate(`document.body.dataset.pwned === "yes" ? 1 : 0`, &pwned),
			chromedp.Title(&title))
		if planted != 0 || pwned != 0 || strings.Contains(title, "PWNED") || tb.dialogs.Load() != 0 {
			t.Fatalf("%s: the captured page reached the console (elements %d, ran %d, title %q)", where, planted, pwned, title)
		}
	}
	noHostile("the capture page")

	// files are downloads: following the screenshot link leaves the page as it is
	tb.run(t, "allow downloads", browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).
		WithDownloadPath(downloads).WithEventsEnabled(true))
	var loc string
	tb.run(t, "download the WARC", chromedp.Click("a.file-warc", chromedp.ByQuery), chromedp.Location(&loc))
	waitDownload(t, done)
	if !strings.Contains(loc, "/evidence/captures/") || strings.Contains(loc, "/files/") {
		t.Errorf("the WARC link navigated to %s", loc)
	}
	noHostile("the capture page after the download")

	var ref string
	tb.run(t, "open a case",
		chromedp.Navigate(base+"/evidence"),
		chromedp.WaitVisible("#case-form", chromedp.ByID),
		chromedp.SendKeys("#case-reference", "42/1234/26", chromedp.ByID),
		chromedp.SendKeys("#case-officer", "pc1", chromedp.ByID),
		chromedp.SendKeys("#case-purpose", "Unlicensed music event", chromedp.ByID),
		chromedp.Click("#open-case", chromedp.ByID),
		chromedp.WaitVisible("#case-facts", chromedp.ByID),
		chromedp.Navigate(base+"/evidence"),
		chromedp.Click(`#captures a`, chromedp.ByQuery),
		chromedp.WaitVisible("#exhibit-form", chromedp.ByID),
		chromedp.SetValue("#exhibit-producer", "Ann Nolan", chromedp.ByID),
		chromedp.Click("#add-exhibit", chromedp.ByID),
		chromedp.WaitVisible("#exhibit-reference", chromedp.ByID),
		chromedp.Text("#exhibit-reference", &ref, chromedp.ByID),
	)
	if ref != "AN/1" {
		t.Errorf("exhibit reference %q, want AN/1", ref)
	}
	noHostile("the exhibit page")
	tb.run(t, "export", chromedp.Navigate(base+"/evidence/cases/1"), chromedp.WaitVisible("#export", chromedp.ByID), chromedp.Click("#export", chromedp.ByID))
	guid := waitDownload(t, done)
	data, err := os.ReadFile(filepath.Join(downloads, guid))
	if err != nil || !bytes.HasPrefix(data, []byte("PK")) {
		t.Fatalf("downloaded package: %v", err)
	}
	key, err := a.Evidence().PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if ok, err := VerifyPackage(filepath.Join(downloads, guid), key.Fingerprint, "", &out); !ok || err != nil {
		t.Fatalf("the downloaded package does not verify: %v\n%s", err, out.String())
	}
	c, err := a.Evidence().Custody(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	cp, _ := a.store.EvidenceCapture(context.Background(), 1)
	if cp.HitID == 0 || !cp.Rendered || c[len(c)-1].Action != evidence.ActExported {
		t.Errorf("capture from hit %d, rendered %v, custody ends %q", cp.HitID, cp.Rendered, c[len(c)-1].Action)
	}
}

func waitDownload(t *testing.T, done chan string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	select {
	case g := <-done:
		return g
	case <-ctx.Done():
		t.Fatal("no download completed")
		return ""
	}
}
