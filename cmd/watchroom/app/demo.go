package app

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// demoPosts are fictional public posts for the demo scenario. Some match the
// demo watch lists, some do not, so the board shows both hits and silence.
var demoPosts = []struct{ Author, Title, Text string }{
	{"@southside_sounds", "Free party on the common Saturday", "Sound system from 10pm, bring everyone. Location drops at 9."},
	{"Riverside Residents", "Bin collection moved to Thursday", "The council says the bank holiday moves collections by a day."},
	{"@night_runner", "Everyone come to the car park after", "Pop up at the old retail park, meet at the back entrance."},
	{"Community FM", "Youth football tournament this weekend", "Under-14s final on Sunday morning, all welcome."},
	{"@grime_updates", "New track drops tonight", "Video shot on the estate. Link up with the crew after."},
	{"@ume_watch", "Rave rumour: warehouse on Canal Street", "Heard there's an unlicensed music event planned, 500+ expected."},
	{"Local News Desk", "Road closures for the marathon", "Several roads in the centre close from 6am on Sunday."},
	{"@opps_tracker", "They're saying ride out tonight", "Beef between the two estates again, people saying pull up."},
	{"Café Lumière", "Nouveau menu d'automne", "Soupe à l'oignon et tarte tatin cette semaine."},
	{"@party_people", "Pull up to the free party!!", "Biggest rave of the summer, sound system confirmed 🔊"},
	{"Parish Council", "Minutes of the October meeting", "Approved: new benches by the pond; deferred: parking review."},
	{"@ladbroke_lyrics", "Meet at the bandstand at 8", "Everyone come, we're doing a pop up session."},
}

// DemoFeed serves an RSS feed on loopback that publishes one more demo post
// every interval, cycling through the posts with fresh identities.
type DemoFeed struct {
	start    time.Time
	interval time.Duration
	now      func() time.Time
	srv      *http.Server
	url      string
	mu       sync.Mutex
}

func StartDemoFeed(now func() time.Time, interval time.Duration) (*DemoFeed, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo feed: %w", err)
	}
	d := &DemoFeed{start: now(), interval: interval, now: now}
	d.url = "http://" + ln.Addr().String() + "/feed.xml"
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", d.serve)
	mux.HandleFunc("/events.ics", d.serveEvents)
	// a source that is down, for the sources panel and the source_failing rule
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "the council's events server is down (demo)", http.StatusInternalServerError)
	})
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = d.srv.Serve(ln) }()
	return d, nil
}

// URL is the feed's address.
func (d *DemoFeed) URL() string { return d.url }

// demoEvents are fictional listings with a place, so hits show on the map:
// one names the operation's place, one gives coordinates.
var demoEvents = []struct{ UID, Summary, Location string }{
	{"demo-event-1", "Free party on Clapham Common, sound system from 10pm", "Clapham Common"},
	{"demo-event-2", "Pop up rave by the bandstand", "51.4622, -0.1452"},
}

// serveEvents is an iCalendar feed of the demo's events, tomorrow night.
func (d *DemoFeed) serveEvents(w http.ResponseWriter, r *http.Request) {
	at := d.start.Add(24 * time.Hour).UTC()
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//watchroom//demo//EN\r\n")
	for _, e := range demoEvents {
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:%s-%d\r\nDTSTAMP:%s\r\nDTSTART:%s\r\nSUMMARY:%s\r\nLOCATION:%s\r\nEND:VEVENT\r\n",
			e.UID, d.start.Unix(), at.Format("20060102T150405Z"), at.Format("20060102T150405Z"), e.Summary, strings.ReplaceAll(e.Location, ",", "\\,"))
	}
	b.WriteString("END:VCALENDAR\r\n")
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	_, _ = w.Write([]byte(b.String()))
}

func (d *DemoFeed) Close(ctx context.Context) error { return d.srv.Shutdown(ctx) }

type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title string    `xml:"title"`
		Link  string    `xml:"link"`
		Items []rssItem `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title   string `xml:"title"`
	Link    string `xml:"link"`
	GUID    string `xml:"guid"`
	Author  string `xml:"author"`
	Desc    string `xml:"description"`
	PubDate string `xml:"pubDate"`
}

// serve lists the newest 20 released posts, newest first.
func (d *DemoFeed) serve(w http.ResponseWriter, r *http.Request) {
	released := int(d.now().Sub(d.start)/d.interval) + 1
	var f rss
	f.Version = "2.0"
	f.Channel.Title = "Demo: public posts around the borough"
	f.Channel.Link = "http://demo.invalid/"
	for n := released - 1; n >= 0 && n >= released-20; n-- {
		p := demoPosts[n%len(demoPosts)]
		at := d.start.Add(time.Duration(n) * d.interval)
		f.Channel.Items = append(f.Channel.Items, rssItem{
			Title: p.Title, Author: p.Author, Desc: p.Text,
			Link:    fmt.Sprintf("http://demo.invalid/post/%d", n),
			GUID:    fmt.Sprintf("demo-%d-%d", d.start.Unix(), n),
			PubDate: at.UTC().Format(time.RFC1123Z),
		})
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(f)
}

const (
	// DemoTeam is the demo's neighbourhood team (config/demo.yaml).
	DemoTeam     = "Demo Neighbourhood Team"
	demoPassword = "watchroom-demo"
	DemoHint     = "sign in as demo-officer (or demo-viewer, demo-analyst, demo-supervisor, demo-requester) with password " + demoPassword +
		". These accounts exist only in demo mode; the posts are fictional and served by watchroom itself."
)

// DemoOptions fills the demo config's variables: the loopback feed, a data
// folder of its own, and operations placed around now so phases move.
func DemoOptions(feedURL string, now time.Time) config.Options {
	o := ConfigOptions()
	dataDir := os.Getenv("WATCHROOM_DEMO_DATA")
	if dataDir == "" {
		dataDir = filepath.Join("data", "demo")
	}
	listen := os.Getenv("WATCHROOM_LISTEN")
	if listen == "" {
		listen = "127.0.0.1:8080"
	}
	t := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	o.Vars = map[string]string{
		"DEMO_FEED_URL": feedURL, "DATA_DIR": dataDir, "LISTEN": listen,
		"DEMO_BROKEN_URL": strings.TrimSuffix(feedURL, "feed.xml") + "broken.xml",
		"DEMO_EVENTS_URL": strings.TrimSuffix(feedURL, "feed.xml") + "events.ics",
		"OP_START":        t(3 * time.Hour), "OP_END": t(9 * time.Hour),
		"OP2_START": t(-1 * time.Hour), "OP2_END": t(5 * time.Hour),
	}
	return o
}

// GuardDemo keeps the demo's well-known accounts in demo databases only: a
// demo run marks its database, and a real run refuses a marked database.
func (a *App) GuardDemo(ctx context.Context, demo bool) error {
	mode, err := a.store.Meta(ctx, "mode")
	if err != nil {
		return err
	}
	if !demo {
		if mode == "demo" {
			return fmt.Errorf("the database in %s was made by the demo and has its well-known accounts; give this config another data_dir", a.cfg.Server.DataDir)
		}
		return nil
	}
	if mode == "" {
		users, err := a.store.Users(ctx)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return fmt.Errorf("the database in %s is not a demo database; the demo will not add its accounts to it", a.cfg.Server.DataDir)
		}
		if err := a.store.SetMeta(ctx, "mode", "demo"); err != nil {
			return err
		}
	}
	if err := ensureDemoUsers(ctx, a.store); err != nil {
		return err
	}
	return ensureDemoRequests(ctx, a.store, a.tasking, a.now())
}

func ensureDemoUsers(ctx context.Context, st *store.Store) error {
	hash, err := ui.HashPassword(demoPassword)
	if err != nil {
		return err
	}
	for name, role := range map[string]watch.Role{"demo-officer": watch.RoleOfficer, "demo-viewer": watch.RoleViewer, "demo-analyst": watch.RoleAnalyst,
		"demo-supervisor": watch.RoleSupervisor, "demo-requester": watch.RoleRequester} {
		team := ""
		if name == "demo-viewer" {
			team = DemoTeam // a viewer sees the briefings of their team
		}
		_, err := st.CreateUser(ctx, watch.User{Name: name, Role: role, PasswordHash: hash, Team: team}, "demo")
		if err != nil && !errors.Is(err, store.ErrExists) {
			return err
		}
	}
	return nil
}
