package source_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/source"
)

func TestTelegramCorpus(t *testing.T) {
	t.Run("durov", func(t *testing.T) {
		page := parsePath(t, source.KindTelegram, corpusFile("telegram", "durov_t.me_s_page.html"), source.Meta{URL: "https://t.me/s/durov"})
		if len(page.Items) != 20 {
			t.Fatalf("%d items, want 20", len(page.Items))
		}
		if page.Next != "https://t.me/s/durov?before=519" || page.Cursor != "durov/539" {
			t.Errorf("Next %q Cursor %q", page.Next, page.Cursor)
		}
		for _, w := range []want{
			{i: 0, key: "durov/519", url: "https://t.me/durov/519", author: "Pavel Durov", title: "8.67M views",
				pub:     "2026-05-20T15:38:10Z",
				textHas: "🤖 Your Telegram inbox can now run itself. Assign a bot to read and reply for you — with granular control over its rights and chat access. 🧠 ⚙️ Start building!"},
			{i: 1, key: "durov/520", title: "11.4M views", pub: "2026-05-23T13:26:07Z", media: []string{},
				textHas: "🎭 WhatsApp encryption is a giant fraud."},
			// A photo without text.
			{i: 3, key: "durov/522", textIs: "", media: []string{"https://cdn4.telesco.pe/file/MqlYu7zhWrpjzCuLJCWIREQ9AJ9TyysYsqoy_MqFIPFm2ntewqjXCaPjxlkZJbGuAnMoRVwbHudUFpknxW_iokPMxFwz8OtMjZE1JOA04qRY7C0J3iu2vWAdNvk8ZDY-Go_J6PiEdubdiKvY_R5We7sop3Fx2yEpfXtKqKTE-8qd4Dw9j2peTtgrmz7Aur9K7XkFHVHRfTTgOuZXAJVwhpr3qls_G1k85LUqA2TsmzjCPnmsVzFfvFXnTfxd2A43RP47sMvL0zwtero_qBqYDkixiMjIQ2M0LU4Mq3kX6iCYTJC-bCEtC37-lzH3GILNYVit5LG8NqULuRPjTVqcpw.jpg"}},
			// Message 530 does not exist: 529 is followed by 531.
			{i: 11, key: "durov/531", url: "https://t.me/durov/531", title: "4.88M views", pub: "2026-07-16T20:45:25Z"},
			{i: 19, key: "durov/539", title: "826K views", pub: "2026-08-08T21:11:14Z",
				textHas: "🏆 The International Olympiad in AI finished yesterday in Astana."},
		} {
			checkWant(t, page.Items, w)
		}
		// A link preview: its image, then the page it shows.
		media := page.Items[2].MediaLinks
		if len(media) != 2 || !strings.HasPrefix(media[0], "https://cdn4.telesco.pe/file/ZPiOqgVhUIODz") || media[1] != "https://gram.org/" {
			t.Errorf("item 2 media = %q", media)
		}
		// A video: its thumbnail, then the file.
		media = page.Items[0].MediaLinks
		if len(media) != 2 || !strings.HasPrefix(media[1], "https://cdn4.telesco.pe/file/e174be993b.mp4?token=") {
			t.Errorf("item 0 media = %q", media)
		}
	})
	t.Run("grouped media, forwarded", func(t *testing.T) {
		page := parsePath(t, source.KindTelegram, corpusFile("telegram", "anonymized_channel_grouped_media_forwarded.html"), source.Meta{URL: "https://t.me/s/test_channel"})
		if len(page.Items) != 3 || page.Next != "https://t.me/s/test_channel?before=1001" || page.Cursor != "test_channel/1010" {
			t.Fatalf("%d items, Next %q, Cursor %q", len(page.Items), page.Next, page.Cursor)
		}
		for _, w := range []want{
			{i: 0, key: "test_channel/1001", url: "https://t.me/test_channel/1001", author: "Test_Channel", title: "2.5K views",
				pub: "2026-01-31T08:35:56Z", textHas: "This is a test message with multiple photos.",
				media: []string{"https://cdn4.telesco.pe/file/test-photo-1.jpg", "https://cdn4.telesco.pe/file/test-photo-2.jpg"}},
			// Unsupported media: no text, no links.
			{i: 1, key: "test_channel/1003", textIs: "", title: "1.3K views", pub: "2026-01-31T09:35:00Z", media: []string{}},
			// Forwarded, with a text nested in a text: read once.
			{i: 2, key: "test_channel/1010", title: "Forwarded from Another Channel · 1K views", pub: "2026-01-31T09:41:27Z",
				textIs: "This is a forwarded message with multiple photos showing repair and restoration work. " +
					"The construction team is making progress on the building restoration project. Key updates: " +
					"- Brick masonry on balconies completed - Roof repairs finished - Partitions restored, doors replaced " +
					"Visited the construction site and discussed progress with the contractors. We understand how important " +
					"it is for residents to return to normal life as soon as possible. All available resources have been mobilized. " +
					"Restoration work will continue until full completion.",
				media: []string{"https://cdn4.telesco.pe/file/forwarded-photo-1.jpg", "https://cdn4.telesco.pe/file/forwarded-photo-2.jpg",
					"https://cdn4.telesco.pe/file/forwarded-photo-3.jpg"}},
		} {
			checkWant(t, page.Items, w)
		}
	})
	t.Run("landing page", func(t *testing.T) {
		body := readFile(t, corpusFile("telegram", "tme_channel_landing_not_preview.html"))
		_, err := parseAs(t, source.KindTelegram, body, source.Meta{URL: "https://t.me/durov"})
		if !errors.Is(err, source.ErrTelegramLanding) || !errors.Is(err, source.ErrUnparseable) {
			t.Fatalf("err = %v, want ErrTelegramLanding and ErrUnparseable", err)
		}
		if !strings.Contains(err.Error(), "https://t.me/s/durov") {
			t.Errorf("err = %q, want it to name the preview URL", err)
		}
	})
}

func TestTelegramEdgeCases(t *testing.T) {
	page := parsePath(t, source.KindTelegram, filepath.Join("testdata", "telegram_edge.html"), source.Meta{URL: "https://t.me/s/edge"})
	if len(page.Items) != 2 {
		t.Fatalf("%d items, want 2", len(page.Items))
	}
	for _, w := range []want{
		// No date link: the URL comes from data-post. The reply's quote and
		// the script are not the message's text.
		{i: 0, key: "edge/10", url: "https://t.me/edge/10", author: "Admin Bob", title: "1.2K views",
			textIs: "Gathering at noon bring flags", pub: "2026-02-01T07:00:00Z", media: []string{}},
		// A bad data-post: keyed by the link. Escaped markup stays text; the
		// link preview's text is not the message's.
		{i: 1, key: "https://t.me/edge/11", url: "https://t.me/edge/11", author: "Edge Channel", noTitle: true,
			textIs: "<script>not markup</script> link", pub: "zero",
			media: []string{"https://cdn.example/p.jpg", "https://t.me/file/v.mp4", "https://t.me/edge/11?single", "https://news.example/a"}},
	} {
		checkWant(t, page.Items, w)
	}
	if page.Next != "https://t.me/s/edge?before=10" {
		t.Errorf("Next = %q", page.Next)
	}

	empty, err := parseAs(t, source.KindTelegram, []byte(`<html><body><section class="tgme_channel_history js-message_history"></section></body></html>`), source.Meta{URL: "https://t.me/s/new"})
	if err != nil || len(empty.Items) != 0 || empty.Next != "" {
		t.Errorf("channel without messages: %+v, %v", empty, err)
	}
}

func TestTelegramUnparseable(t *testing.T) {
	unparseable(t, source.KindTelegram, source.Meta{URL: "https://t.me/s/x"}, map[string]struct{ body, says string }{
		"another page": {`<html><body><h1>Not Telegram</h1></body></html>`, "no Telegram messages on the page"},
		"empty":        {``, "no Telegram messages on the page"},
		"json":         {`{"ok": true}`, "no Telegram messages on the page"},
		"landing, no link": {`<div class="tgme_page"><div class="tgme_page_extra">5 subscribers</div></div>`,
			"not its web preview; poll https://t.me/s/NAME"},
	})
}

func FuzzTelegramParse(f *testing.F) {
	seedCorpus(f, "telegram", "telegram")
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzKind(t, source.KindTelegram, body, source.Meta{URL: "https://t.me/s/fuzz"})
	})
}
