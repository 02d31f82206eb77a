package app

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/chromedp/chromedp"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
)

// Acceptance: who may read what. Every role, in a team or none, against
// every read of collected content, on a real server: a neighbourhood
// team's viewer reads their own team's operations only (boards, snapshots,
// hits, search, older pages, charts, maps, alerts, live boards, briefings),
// as briefings always were; the hub and control room read all; a
// requester reads none. Every answer that carries data says no-store.

const authzConfig = `
server:
  data_dir: %q
teams:
  - name: North SNT
  - name: South SNT
watchlists:
  - id: ume
    name: Unlicensed music events
    terms: ["rave"]
    severity: high
operations:
  - id: north
    name: North gig
    start: 2026-11-28T18:00:00Z
    end: 2026-11-29T04:00:00Z
    watchlists: [ume]
    team: North SNT
  - id: south
    name: South gig
    start: 2026-11-28T18:00:00Z
    end: 2026-11-29T04:00:00Z
    watchlists: [ume]
    team: South SNT
`

func TestAcceptanceAuthorisationMatrix(t *testing.T) {
	a, base, _ := startAppYAML(t, fmt.Sprintf(authzConfig, tempDataDir(t)), "127.0.0.1:0")
	ctx := context.Background()
	users := []struct {
		name string
		role watch.Role
		team string
	}{
		{"admin1", watch.RoleAdmin, ""}, {"analyst1", watch.RoleAnalyst, ""}, {"officer1", watch.RoleOfficer, ""},
		{"officern", watch.RoleOfficer, "North SNT"}, {"viewer1", watch.RoleViewer, ""},
		{"viewern", watch.RoleViewer, "North SNT"}, {"viewers", watch.RoleViewer, "South SNT"},
		{"requester1", watch.RoleRequester, ""},
	}
	for _, u := range users {
		h, err := ui.HashPasswordCost("secret-"+u.name, bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.store.CreateUser(ctx, watch.User{Name: u.name, Role: u.role, Team: u.team, PasswordHash: h}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	hits := map[string]int64{}
	briefings := map[string]int64{}
	for _, op := range []string{"north", "south"} {
		_, views, err := a.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: op, Title: "rave at " + op, URL: "https://example.org/" + op},
			[]watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: []string{op}}})
		if err != nil || len(views) != 1 {
			t.Fatalf("record: %v %v", views, err)
		}
		hits[op] = views[0].ID
		o, _ := a.reg.Get(op)
		b, err := a.store.AddBriefing(ctx, watch.BriefingVersion{Operation: op, Generator: "schedule", SHA256: "00",
			Doc: watch.Briefing{Operation: o, Generator: "schedule"}})
		if err != nil {
			t.Fatal(err)
		}
		briefings[op] = b.ID
	}

	// the routes that read a board's or a hit's content, for board b
	boardReads := func(b string) []string {
		return []string{"/board/" + b, "/api/boards/" + b + "/snapshot", "/api/boards/" + b + "/search?q=rave",
			"/api/boards/" + b + "/hits?before=" + strconv.FormatInt(hits["south"]+1, 10), "/api/boards/" + b + "/chart",
			"/api/boards/" + b + "/map", "/api/boards/" + b + "/alerts", "ws:" + b}
	}
	const (
		ok = http.StatusOK
		no = http.StatusForbidden
	)
	// per user: all board, north board, south board, north hit, south hit, north briefing, south briefing
	type expect struct{ all, north, south, hitN, hitS, briefN, briefS int }
	for _, tt := range []struct {
		user string
		want expect
	}{
		{"admin1", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"analyst1", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"officer1", expect{ok, ok, ok, ok, ok, ok, ok}},
		{"officern", expect{ok, ok, ok, ok, ok, ok, ok}}, // the control room reads every board
		{"viewer1", expect{ok, ok, ok, ok, ok, no, no}},  // no team: every board, no team's briefings
		{"viewern", expect{no, ok, no, ok, no, ok, no}},
		{"viewers", expect{no, no, ok, no, ok, no, ok}},
		{"requester1", expect{no, no, no, no, no, no, no}},
	} {
		t.Run(tt.user, func(t *testing.T) {
			web := signInHTTP(t, base, tt.user)
			check := func(path string, want int) {
				t.Helper()
				if strings.HasPrefix(path, "ws:") {
					conn, r, err := web.DialBoard("board="+strings.TrimPrefix(path, "ws:"), base)
					got := 0
					if err == nil {
						conn.Close()
						got = ok
					} else if r != nil {
						got = r.StatusCode
					}
					if got != want {
						t.Errorf("%s %s: %d, want %d (%v)", tt.user, path, got, want, err)
					}
					return
				}
				r, err := web.Client.Get(base + path)
				if err != nil {
					t.Fatal(err)
				}
				r.Body.Close()
				if r.StatusCode != want {
					t.Errorf("%s GET %s: HTTP %d, want %d", tt.user, path, r.StatusCode, want)
				}
				if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
					t.Errorf("%s GET %s: Cache-Control %q", tt.user, path, cc)
				}
			}
			for b, want := range map[string]int{"all": tt.want.all, "north": tt.want.north, "south": tt.want.south} {
				for _, p := range boardReads(b) {
					check(p, want)
				}
			}
			check("/api/hits/"+strconv.FormatInt(hits["north"], 10), tt.want.hitN)
			check("/api/hits/"+strconv.FormatInt(hits["south"], 10), tt.want.hitS)
			check("/briefings/"+strconv.FormatInt(briefings["north"], 10), tt.want.briefN)
			check("/briefings/"+strconv.FormatInt(briefings["south"], 10), tt.want.briefS)
		})
	}
}

// What a team's viewer sees in the browser: signed in, they land on their
// own team's board, which lists only their team's boards and shows only
// its hits; another team's board is refused with a reason.
func TestBrowserTeamViewerSeesOwnTeamOnly(t *testing.T) {
	a, base, _ := startAppYAML(t, fmt.Sprintf(authzConfig, tempDataDir(t)), "127.0.0.1:0")
	ctx := context.Background()
	h, err := ui.HashPasswordCost("secret-viewern", bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.CreateUser(ctx, watch.User{Name: "viewern", Role: watch.RoleViewer, Team: "North SNT", PasswordHash: h}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"north", "south"} {
		if _, _, err := a.store.RecordItem(ctx, watch.Item{SourceID: "src", Key: op, Title: "rave at " + op, URL: "https://example.org/" + op},
			[]watch.Hit{{ListID: "ume", Terms: []string{"rave"}, Operations: []string{op}}}); err != nil {
			t.Fatal(err)
		}
	}
	tb := newTab(t)
	var path, boards, titles, refusal string
	tb.run(t, "sign in",
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", "viewern", chromedp.ByID),
		chromedp.SendKeys("#password", "secret-viewern", chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("#board", chromedp.ByID),
		chromedp.WaitVisible(`#board[data-live="yes"]`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelectorAll("#hits li.hit").length > 0`, nil),
		chromedp.Evaluate(`location.pathname`, &path),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("nav.boards a")).map(a => a.textContent).join("|")`, &boards),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#hits li.hit")).map(li => li.textContent).join("|")`, &titles),
	)
	if path != "/board/north" || boards != "North gig" {
		t.Errorf("landed on %s with boards %q", path, boards)
	}
	if !strings.Contains(titles, "rave at north") || strings.Contains(titles, "south") {
		t.Errorf("hits shown: %q", titles)
	}
	tb.run(t, "another team's board",
		chromedp.Navigate(base+"/board/south"),
		chromedp.WaitVisible("p.error", chromedp.ByQuery),
		chromedp.Text("p.error", &refusal, chromedp.ByQuery),
	)
	if !strings.Contains(refusal, "another team's") {
		t.Errorf("refusal %q", refusal)
	}
}
