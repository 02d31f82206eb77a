package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
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

// demoFeed serves an RSS feed on loopback that publishes one more demo post
// every interval, cycling through the posts with fresh identities.
type demoFeed struct {
	start    time.Time
	interval time.Duration
	now      func() time.Time
	srv      *http.Server
	url      string
	mu       sync.Mutex
}

func startDemoFeed(now func() time.Time, interval time.Duration) (*demoFeed, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo feed: %w", err)
	}
	d := &demoFeed{start: now(), interval: interval, now: now}
	d.url = "http://" + ln.Addr().String() + "/feed.xml"
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", d.serve)
	d.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = d.srv.Serve(ln) }()
	return d, nil
}

func (d *demoFeed) Close(ctx context.Context) error { return d.srv.Shutdown(ctx) }

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
func (d *demoFeed) serve(w http.ResponseWriter, r *http.Request) {
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
