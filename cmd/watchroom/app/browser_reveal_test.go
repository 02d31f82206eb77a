package app

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/watchroom/watchroom/watch"
)

// A title written with a right-to-left override shows the override as a
// token, not reordered ("safe[RLO]gnp.exe", never "safeexe.png"), and a
// zero-width space inside a watched word is both matched and shown, with
// the highlight on the word as written.
func TestBrowserTitleRevealsDirection(t *testing.T) {
	feed := newFeedServer(t)
	feed.add(feedItem{GUID: "1", Title: "rave flyer safe\u202egnp.exe", Text: "a ra\u200bve at the park \u2066tonight\u2069", Link: "https://example.org/flyer"})
	a, base, _ := startApp(t, feed.url, tempDataDir(t))
	addUser(t, a, "pc1", watch.RoleOfficer)
	tb := newTab(t)
	tb.signIn(t, base, "pc1", "op1")
	if err := a.pollNow(context.Background(), "local"); err != nil {
		t.Fatal(err)
	}
	tb.run(t, "the hit on the board", chromedp.WaitVisible(`#hits li.hit`, chromedp.ByQuery))
	var got struct {
		Title    string `json:"title"`
		Text     string `json:"text"`
		Marks    string `json:"marks"`
		Controls bool   `json:"controls"`
	}
	tb.run(t, "shown", chromedp.Evaluate(`(() => {
		const li = document.querySelector('#hits li.hit');
		return {
			title: li.querySelector('.title').textContent,
			text: li.querySelector('.text').textContent,
			marks: Array.from(li.querySelectorAll('mark')).map(m => m.textContent).join('|'),
			controls: /[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff]/.test(li.textContent),
		};
	})()`, &got))
	if got.Title != "rave flyer safe[RLO]gnp.exe" {
		t.Errorf("title shown as %q, want the override visible", got.Title)
	}
	if got.Text != "a ra[ZWSP]ve at the park [LRI]tonight[PDI]" {
		t.Errorf("text shown as %q", got.Text)
	}
	if got.Marks != "rave|ra[ZWSP]ve" {
		t.Errorf("highlighted %q, want the title's rave and the text's ra[ZWSP]ve", got.Marks)
	}
	if got.Controls {
		t.Error("a raw direction or invisible character reached the card")
	}
}
