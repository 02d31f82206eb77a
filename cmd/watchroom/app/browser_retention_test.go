package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

const twoPostFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title><link>http://example.org/</link>
<item><guid>s1</guid><title>Rave in the park tonight</title><description>bring a speaker</description><link>https://example.org/s1</link></item>
<item><guid>s2</guid><title>Rave at the arches, ask for Jo</title><description>door at 11</description><link>https://example.org/s2</link></item>
</channel></rss>`

// An admin erases one hit from the retention page, after a preview and
// with a reason; the officer watching the board sees its card go without
// reloading, and the other stays.
func TestBrowserErasure(t *testing.T) {
	feed := newFeedServer(t)
	feed.raw = []byte(twoPostFeed)
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	addUser(t, a, "root", watch.RoleAdmin)
	officer, admin := newTab(t), newTab(t)
	officer.signIn(t, base, "pc1", "op1")
	ctx := context.Background()
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	officer.run(t, "two cards", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))
	var target int64
	for id := int64(1); id <= 2; id++ {
		if v, err := a.store.Hit(ctx, id); err == nil && strings.Contains(v.Item.Title, "arches") {
			target = id
		}
	}
	if target == 0 {
		t.Fatal("the hit to erase was not recorded")
	}
	card := fmt.Sprintf(`#hits li.hit[data-hit="%d"]`, target)
	officer.run(t, "the card to erase", chromedp.WaitVisible(card, chromedp.ByQuery))

	admin.signIn(t, base, "root", "all")
	admin.run(t, "preview",
		chromedp.Navigate(base+"/retention"),
		chromedp.WaitVisible(`#erase-form`, chromedp.ByQuery),
		chromedp.SetValue(`#er-id`, fmt.Sprint(target), chromedp.ByQuery),
		chromedp.SendKeys(`#er-reason`, "not the person sought", chromedp.ByQuery),
		chromedp.Click(`#preview-erase`, chromedp.ByQuery),
		chromedp.WaitVisible(`#preview`, chromedp.ByQuery))
	var items string
	admin.run(t, "preview count", chromedp.Text(`#preview-items`, &items, chromedp.ByQuery))
	if items != "1" {
		t.Fatalf("preview says %q items", items)
	}
	if officer.count(t, card) != 1 {
		t.Fatal("the preview took the card away")
	}
	var done string
	admin.run(t, "erase", chromedp.Click(`#confirm-erase`, chromedp.ByQuery),
		chromedp.WaitVisible(`#erased`, chromedp.ByQuery), chromedp.Text(`#erased`, &done, chromedp.ByQuery))
	if !strings.Contains(done, "1 item(s) and 1 hit(s) erased") {
		t.Fatalf("the admin is told %q", done)
	}
	officer.run(t, "card gone", chromedp.WaitNotPresent(card, chromedp.ByQuery))
	if n := officer.count(t, `#hits li.hit`); n != 1 {
		t.Fatalf("%d cards left, want the other post's", n)
	}
	log, _ := a.store.AuditLog(ctx, 5)
	found := false
	for _, e := range log {
		found = found || (e.Action == "erasure" && e.Actor == "root" && strings.Contains(e.Detail, "not the person sought"))
	}
	if !found {
		t.Fatalf("no erasure in the audit: %+v", log)
	}
}
