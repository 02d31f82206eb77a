package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/watchtest"
)

const draftsConfig = `
server:
  data_dir: %q
  timezone: UTC
fetch:
  allow_private: ["127.0.0.1/32"]
sources:
  - {id: local, kind: feed, url: %q, schedule: "@every 1h"}
  - {id: cal, kind: ical, url: %q, schedule: "@every 1h"}
watchlists:
  - {id: ume, name: UME, terms: ["free party"], tags: [event discovery]}
  - {id: other, name: Other, terms: ["bake sale"]}
`

// calServer serves an iCalendar body a test sets.
type calServer struct {
	mu   sync.Mutex
	body string
	url  string
}

func newCalServer(t *testing.T) *calServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &calServer{url: "http://" + ln.Addr().String() + "/events.ics"}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		w.Header().Set("Content-Type", "text/calendar")
		fmt.Fprint(w, c.body)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return c
}

func (c *calServer) set(events ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + strings.Join(events, "") + "END:VCALENDAR\r\n"
}

func vevent(uid, summary, start, end, location string) string {
	return "BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:" + summary + "\r\nDTSTART:" + start +
		"\r\nDTEND:" + end + "\r\nLOCATION:" + location + "\r\nURL:https://events.example.org/" + uid + "\r\nEND:VEVENT\r\n"
}

// Calendar events and event-discovery hits are proposed as drafts, each
// event once; an analyst accepts one (it becomes an operation, prefilled)
// and dismisses another; both are audited; source text stays text.
func TestDraftOperations(t *testing.T) {
	feed, cal := newFeedServer(t), newCalServer(t)
	clock := watchtest.NewClock(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	a, base, _ := newTestApp(t, fmt.Sprintf(draftsConfig, tempDataDir(t), feed.url, cal.url), clock, nil)
	addUser(t, a, "analyst1", watch.RoleAnalyst)
	ctx := context.Background()
	// written as entities, the parser's plain text gives the markup back as
	// characters: the page must show them, not run them
	hostile := `&lt;img src=x onerror=alert(1)&gt; Warehouse party`
	const hostileText = `<img src=x onerror=alert(1)> Warehouse party`
	cal.set(vevent("e1", hostile, "20261128T220000Z", "20261129T040000Z", "Unit 4, Hackney Wick"),
		vevent("e0", "Last year's party", "20251128T220000Z", "20251129T040000Z", "Somewhere"))
	feed.add(feedItem{GUID: "p1", Title: "Free party Saturday, location drops at 9", Link: "https://example.org/p1"})
	feed.add(feedItem{GUID: "p2", Title: "Bake sale Sunday", Link: "https://example.org/p2"})
	for _, src := range []string{"cal", "local", "cal", "local"} { // twice: nothing proposed twice
		if err := a.pollNow(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	// the same event under another uid (a calendar re-export): still one draft
	cal.set(vevent("e1-copy", hostile, "20261128T220000Z", "20261129T040000Z", "Unit 4, Hackney Wick"))
	if err := a.pollNow(ctx, "cal"); err != nil {
		t.Fatal(err)
	}
	ds, err := a.store.Drafts(ctx, watch.DraftProposed, 10)
	if err != nil || len(ds) != 2 {
		t.Fatalf("drafts %+v %v (want the future calendar event and the discovery hit)", ds, err)
	}
	var calDraft, hitDraft watch.Draft
	for _, d := range ds {
		if d.List == "" {
			calDraft = d
		} else {
			hitDraft = d
		}
	}
	if calDraft.Title != hostileText || calDraft.Location != "Unit 4, Hackney Wick" || !calDraft.EventStart.Equal(time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)) ||
		hitDraft.List != "ume" || hitDraft.Source != "local" {
		t.Fatalf("drafts %+v %+v", calDraft, hitDraft)
	}

	analyst := signInHTTP(t, base, "analyst1")
	_, page := analyst.Get(t, "/operations")
	mustContain(t, "operations page", page, fmt.Sprintf(`id="draft-%d"`, calDraft.ID), "&lt;img src=x onerror=alert(1)&gt; Warehouse party")
	if strings.Contains(page, "<img src=x") {
		t.Fatal("source text reached the page as markup")
	}
	// accepting opens the operation form, prefilled
	_, page = analyst.Get(t, fmt.Sprintf("/operations/new?draft=%d", calDraft.ID))
	mustContain(t, "prefilled form", page, `value="img-src-x-onerror-alert-1-warehouse-part"`, `value="2026-11-28T22:00"`,
		`value="2026-11-29T04:00"`, `value="Unit 4, Hackney Wick"`, fmt.Sprintf(`name="draft" value="%d"`, calDraft.ID))
	form := url.Values{"draft": {fmt.Sprint(calDraft.ID)}, "id": {"warehouse-party"}, "name": {"Warehouse party"}, "kind": {"ume"},
		"risk": {"high"}, "start": {"2026-11-28T22:00"}, "end": {"2026-11-29T04:00"}, "place": {"Unit 4, Hackney Wick"}, "watchlists": {"ume"}}
	if code, _ := analyst.PostForm(t, "/operations/new", form); code != http.StatusSeeOther {
		t.Fatalf("accept: HTTP %d", code)
	}
	if op, ok := a.reg.Get("warehouse-party"); !ok || op.Origin != watch.OriginWeb {
		t.Fatalf("accepted draft is no operation: %+v", op)
	}
	if code, _ := analyst.PostForm(t, "/operations/new", form); code != http.StatusConflict {
		t.Fatalf("a draft accepted twice: HTTP %d", code)
	}
	if code, _ := analyst.PostForm(t, fmt.Sprintf("/operations/drafts/%d/dismiss", hitDraft.ID), url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("dismiss: HTTP %d", code)
	}
	if ds, _ := a.store.Drafts(ctx, watch.DraftProposed, 10); len(ds) != 0 {
		t.Fatalf("still proposed: %+v", ds)
	}
	if d, _ := a.store.DraftByID(ctx, calDraft.ID); d.State != watch.DraftAccepted || d.Operation != "warehouse-party" || d.DecidedBy != "analyst1" {
		t.Fatalf("accepted draft %+v", d)
	}
	log, _ := a.store.AuditLog(ctx, 20)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" "+e.Target)
	}
	all := strings.Join(actions, "|")
	mustContain(t, "audit", all, fmt.Sprintf("draft_accepted draft:%d", calDraft.ID), fmt.Sprintf("draft_dismissed draft:%d", hitDraft.ID),
		"operation_create operation:warehouse-party")
	// a dismissed event is not proposed again when seen again
	feed.add(feedItem{GUID: "p3", Title: "Another free party", Link: "https://example.org/p3"})
	if err := a.pollNow(ctx, "local"); err != nil {
		t.Fatal(err)
	}
	if ds, _ := a.store.Drafts(ctx, watch.DraftProposed, 10); len(ds) != 1 {
		t.Fatalf("proposed after the new post: %+v", ds)
	}
}
