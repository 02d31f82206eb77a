// Package config reads watchroom's YAML config file: the server, fetching,
// retention, and the sources, watch lists and operations analysts set up.
//
// Loading is strict. Unknown keys, wrong types, bad values and dangling
// references are all problems, and Parse reports every one of them with its
// file, line, column and key path, so one run of "watchroom check" shows an
// analyst everything to fix. There is no package state: a loaded File is
// passed to whoever needs it.
package config

import (
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Options says how to read a config file.
type Options struct {
	// Vars are substituted for ${NAME} in any scalar value before it is
	// checked; a reference to a name not in Vars is a problem. Write $${
	// for a literal ${.
	Vars map[string]string
	// Kinds are the source kinds the program can poll, e.g. {"feed"}. A
	// source of another kind is a problem. When Kinds is empty any
	// non-empty kind is accepted.
	Kinds []string
	// CheckSource checks a source's URL and options for its kind (the
	// program passes source.CheckSource); each problem it reports, one
	// error or several joined, becomes a problem of the file. Nil accepts
	// any options.
	CheckSource func(kind, url string, options map[string]string) error
	// CheckQuery checks a watch list's query (the program passes the
	// matcher's parser); its error is shown as it is, caret and all.
	CheckQuery func(query string) error
	// Env looks up environment overrides (os.Getenv); nil means none.
	// WATCHROOM_LISTEN replaces server.listen and WATCHROOM_DATA_DIR
	// replaces server.data_dir; an empty value is no override.
	Env func(string) string
}

// File is a loaded config file, every value checked and defaulted.
type File struct {
	Server     Server
	Fetch      Fetch
	Retention  Retention
	Evidence   Evidence
	Sources    []Source
	WatchLists []WatchList
	Operations []Operation
	Alerts     []AlertRule
	// AlertGrouping says how alerts are grouped into notifications.
	AlertGrouping AlertGrouping
	Notifiers     Notifiers
	Teams         []Team
	Silences      []Silence
	Referrals     Referrals
	UI            UI
	Tasking       Tasking
	Audit         Audit
}

// Notifiers are where alerts and briefings are sent: nowhere else.
type Notifiers struct {
	BoardURL string // the console's public URL, for links in messages
	Webhooks []Webhook
	SMTP     *SMTP // nil: no e-mail
}

// Webhook is a signed JSON endpoint.
type Webhook struct {
	Name        string
	URL         string
	SecretEnv   string   // the environment variable that holds the signing secret
	Kinds       []string // alert, briefing
	Timeout     time.Duration
	MaxAttempts int
	Line        int
}

// SMTP is the mail server alerts and briefings are sent through.
type SMTP struct {
	Addr              string // host:port
	Username          string
	PasswordEnv       string // the environment variable that holds the password
	Auth              string // "", PLAIN or LOGIN
	From              string
	To                []string // alert recipients; briefings go to their team
	CAFile            string   // extra CA certificates (PEM) to trust for STARTTLS
	InsecurePlaintext bool     // loopback test servers only
}

// Team is a neighbourhood team: operations name it, viewers belong to it,
// and its briefings are delivered to its addresses.
type Team struct {
	Name     string
	Emails   []string
	Webhooks []string // webhook names
	Line     int
}

// Server is how the console is served.
type Server struct {
	Listen   string // host:port
	BaseURL  string // public URL, for the websocket Origin check; empty when not set
	DataDir  string // the SQLite database and blobs live here
	Timezone string // IANA name, as written
	Location *time.Location
	TLSCert  string // both or neither of TLSCert and TLSKey are set
	TLSKey   string
	// TLSProxy names the TLS-terminating proxy in front of the console,
	// when there is one: the outside is then HTTPS (cookies are Secure)
	// though the console itself listens in plain HTTP.
	TLSProxy   string
	SessionTTL time.Duration
	// Slow clients: how long a request's headers, its whole head and
	// body, and a kept-alive connection between requests may take.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	// MaxConnsPerAddr caps the open connections of one TCP peer; 0 is
	// no cap. Behind a proxy every connection is the proxy's.
	MaxConnsPerAddr int
	// ClaimTimeout is how long an officer's soft claim on a hit lasts
	// unless released or renewed.
	ClaimTimeout time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For header names
	// the client (for the sign-in throttle and the audit log); empty:
	// the header is never read.
	TrustedProxies []netip.Prefix
	// SessionIdle ends a session after this long without a person's
	// activity; SessionIdleByRole overrides it for a role (keys are role
	// names), e.g. shorter for officers on shared desks.
	SessionIdle       time.Duration
	SessionIdleByRole map[string]time.Duration
}

// Fetch is how sources are fetched.
type Fetch struct {
	Timeout        time.Duration // whole request
	ConnectTimeout time.Duration
	MaxBodyBytes   int64
	UserAgent      string
	AllowPrivate   []netip.Prefix // special-purpose ranges the SSRF guard lets through
	PerHost        HostLimit      // every host's concurrency cap and rate limit (Host is "")
	Hosts          []HostLimit    // hosts with settings of their own; zero fields take PerHost's
}

// HostLimit is how hard one host may be fetched from.
type HostLimit struct {
	Host        string  // a host name, lower case, no port
	Concurrency int     // requests in flight at once
	Rate        float64 // requests a second
	Burst       int     // requests that may go at once after a quiet spell
	Line        int
}

// Retention is how long each kind of record is kept (docs/retention.md):
// each class is pruned on its own, hourly, and the console shows what is
// due. A zero class takes its default.
type Retention struct {
	Items       time.Duration // collected items, their search index and timeline events
	Hits        time.Duration // hits (never longer than items: a hit is of an item)
	Seen        time.Duration // keys of items already seen (no content)
	Annotations time.Duration // officers' notes, acknowledgements, flags, escalations
	Briefings   time.Duration // briefing versions as stored (they quote posts)
	Documents   time.Duration // the briefing documents delivered, kept on disk
	Audit       time.Duration // the audit log
	// Requests: tasking requests ended (closed, declined, merged) or left
	// as drafts, with their history and products, after their last change.
	Requests time.Duration
	// OpenCase is how often an exhibit of a case still open comes up for
	// review (exhibits themselves are never pruned).
	OpenCase time.Duration
}

// follow gives the classes that follow another their value: hits and seen
// keys are kept as long as items unless set.
func (r *Retention) follow() {
	if r.Hits == 0 {
		r.Hits = r.Items
	}
	if r.Seen == 0 {
		r.Seen = r.Items
	}
}

// Evidence configures the preserving of pages as evidence.
type Evidence struct {
	// Render is "auto" (a screenshot and a PDF of each capture when
	// Chromium is installed) or "off" (raw captures only).
	Render string
	// Captures is how long a capture that is no exhibit is kept.
	Captures time.Duration
	// Standard and Extended are how long after its case is closed an
	// exhibit of each retention class falls due for review.
	Standard, Extended time.Duration
}

// Evidence render settings.
const (
	RenderAuto = "auto"
	RenderOff  = "off"
)

// Source is a public source to poll.
type Source struct {
	ID       string
	Name     string // display name; may be empty
	Kind     string
	URL      string // absolute http or https URL
	Schedule string // robfig/cron spec: five fields or a descriptor such as "@every 5m"
	// Options are per-kind settings, names to values (selectors, a page
	// limit...); nil when the entry has none.
	Options map[string]string
	Line    int // where the entry starts in the file
}

// WatchList is a named set of terms to look for.
type WatchList struct {
	ID       string
	Name     string
	Terms    []string // words or phrases, quotes optional; surrounding space trimmed
	Sources  []string // source ids; empty means every source
	Severity string   // critical, high or routine (the default); alert rules use it
	Query    string   // a query in the watch-list language (docs/watchlists.md); instead of terms
	Tags     []string // free labels, e.g. "event discovery"
	Line     int
}

// Operation is an event that watch lists and sources are grouped around.
type Operation struct {
	ID         string
	Name       string
	Start, End time.Time // End is after Start
	WatchLists []string  // watch list ids
	Sources    []string  // source ids; empty means every source
	Kind       string    // planned, ume, gathering or other (the default)
	Place      string    // where, in words
	Terms      []string  // place and date terms a place_date alert rule looks for
	Risk       string    // low, medium (the default) or high
	Team       string    // the owning neighbourhood team
	// Cadence overrides how often the operation's sources are polled per
	// phase: keys before, imminent, live, after.
	Cadence map[string]time.Duration
	// Lat and Lon are the place's coordinates (both or neither; HasPoint
	// says which); RadiusM the metres around them that count as the place.
	HasPoint     bool
	Lat, Lon     float64
	RadiusM      int
	Context      string        // free text: what is known of the event
	BriefingLead time.Duration // how long before the start the briefing is made (0: 24h)
	Line         int
}

// AlertGrouping groups alerts into notifications as Alertmanager's route
// does: one notification per group of alerts with the same values of By.
type AlertGrouping struct {
	By       []string      // labels: rule, kind, operation, author, source (default operation, rule)
	Wait     time.Duration // a new group waits this long for more alerts (default 30s; 0s: at once)
	Interval time.Duration // least time between notifications of a changed group (default 5m)
	Repeat   time.Duration // a group firing unacknowledged is notified again this often (default 4h)
}

// AlertRule is one alert rule; see the alerts package for the kinds.
type AlertRule struct {
	ID        string
	Name      string
	Kind      string // severity, count, spike, new_author, place_date, source_failing, referral_overdue
	Operation string // "" for every operation
	Severity  string
	Threshold int
	Window    time.Duration
	Baseline  time.Duration
	Factor    float64
	MinHits   int
	For       time.Duration
	Repeat    time.Duration
	Line      int
}

// Defaults for values the file leaves out.
const (
	DefaultGroupWait      = 30 * time.Second
	DefaultGroupInterval  = 5 * time.Minute
	DefaultRepeatInterval = 4 * time.Hour
	DefaultListen         = "127.0.0.1:8080"
	DefaultDataDir        = "./data"
	DefaultTimezone       = "Europe/London"
	DefaultSessionTTL     = 12 * time.Hour
	DefaultClaimTimeout   = 10 * time.Minute
	DefaultSessionIdle    = 30 * time.Minute
	// A request's head and body have 20 s to arrive; a console's own
	// largest body is 64 KB (ingest's and evidence's caps are their own).
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 20 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	// A browser opens about six connections, plus one a board; a room of
	// desks behind one NAT needs a few hundred.
	DefaultMaxConnsPerAddr = 256
	DefaultTimeout         = 20 * time.Second
	DefaultConnectTimeout  = 5 * time.Second
	DefaultMaxBodyBytes    = 5 << 20
	DefaultUserAgent       = "watchroom/0.1 (public-content monitor; contact: hub@example.org)"
	DefaultRetention       = 720 * time.Hour
	// Officers' decisions are kept a year, briefings and their documents
	// 90 days, the audit log six years; an open case's exhibits come up for
	// review every year.
	DefaultAnnotationRetention = 365 * 24 * time.Hour
	DefaultBriefingRetention   = 90 * 24 * time.Hour
	DefaultAuditRetention      = 6 * 365 * 24 * time.Hour
	DefaultOpenCaseReview      = 365 * 24 * time.Hour
	// Tasking requests that ended are kept two years after their last
	// change (the demand figures cover them as long).
	DefaultRequestRetention = 2 * 365 * 24 * time.Hour
	// Evidence: captures that are no exhibit are kept 90 days; exhibits
	// come up for review 6 (standard) or 12 (extended) years after their
	// case is closed.
	DefaultEvidenceCaptures = 90 * 24 * time.Hour
	DefaultEvidenceStandard = 6 * 365 * 24 * time.Hour
	DefaultEvidenceExtended = 12 * 365 * 24 * time.Hour
	// One host gets at most 2 requests at once and about one a second.
	DefaultHostConcurrency = 2
	DefaultHostRate        = 1.0
	DefaultHostBurst       = 2
)

// Load reads the config file at path and parses it; see Parse. Problems
// name the file by path.
func Load(path string, opts Options) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data, opts)
}

// Parse reads a config file's contents; name is used in problems. When the
// file is not valid, Parse returns a nil File and a Problems error listing
// every problem, in file order. An empty file is valid: all defaults, no
// sources.
func Parse(name string, data []byte, opts Options) (*File, error) {
	f := defaults()
	d := newDecoder(name, data, opts)
	if root := d.document(); root != nil {
		d.file(root, f)
	}
	d.env(opts.Env, f)
	d.exposure(f)
	f.Retention.follow()
	if f.Server.Location == nil {
		d.defaultZone(f)
	}
	if len(d.probs) > 0 {
		d.probs.sort()
		return nil, d.probs
	}
	return f, nil
}

// defaults returns a File with every default but the time zone's location,
// which is loaded only when the file does not name its own zone.
func defaults() *File {
	return &File{
		Server: Server{
			Listen:       DefaultListen,
			DataDir:      DefaultDataDir,
			Timezone:     DefaultTimezone,
			SessionTTL:   DefaultSessionTTL,
			ClaimTimeout: DefaultClaimTimeout,
			SessionIdle:  DefaultSessionIdle,

			ReadHeaderTimeout: DefaultReadHeaderTimeout,
			ReadTimeout:       DefaultReadTimeout,
			IdleTimeout:       DefaultIdleTimeout,
			MaxConnsPerAddr:   DefaultMaxConnsPerAddr,
		},
		Fetch: Fetch{
			Timeout:        DefaultTimeout,
			ConnectTimeout: DefaultConnectTimeout,
			MaxBodyBytes:   DefaultMaxBodyBytes,
			UserAgent:      DefaultUserAgent,
			PerHost:        HostLimit{Concurrency: DefaultHostConcurrency, Rate: DefaultHostRate, Burst: DefaultHostBurst},
		},
		Retention: Retention{Items: DefaultRetention, Annotations: DefaultAnnotationRetention,
			Briefings: DefaultBriefingRetention, Documents: DefaultBriefingRetention,
			Audit: DefaultAuditRetention, OpenCase: DefaultOpenCaseReview, Requests: DefaultRequestRetention},
		AlertGrouping: AlertGrouping{By: []string{"operation", "rule"}, Wait: DefaultGroupWait,
			Interval: DefaultGroupInterval, Repeat: DefaultRepeatInterval},
		Referrals: Referrals{RequireCapture: true, Check: DefaultReferralCheck, Platforms: DefaultPlatforms()},
		Audit:     Audit{CheckpointInterval: DefaultCheckpointInterval},
		Evidence: Evidence{Render: RenderAuto, Captures: DefaultEvidenceCaptures,
			Standard: DefaultEvidenceStandard, Extended: DefaultEvidenceExtended},
	}
}

// defaultZone loads the default time zone. It fails only on a machine
// without a zone database, which the program fixes by importing time/tzdata.
func (d *decoder) defaultZone(f *File) {
	loc, err := time.LoadLocation(f.Server.Timezone)
	if err != nil {
		d.probs = append(d.probs, Problem{File: d.name, Path: "server.timezone",
			Msg: fmt.Sprintf("cannot load the default time zone %q (%v); set one or install a zone database", f.Server.Timezone, err)})
		return
	}
	f.Server.Location = loc
}

// Source returns the source with the given id.
func (f *File) Source(id string) (Source, bool) {
	for _, s := range f.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// WatchList returns the watch list with the given id.
func (f *File) WatchList(id string) (WatchList, bool) {
	for _, w := range f.WatchLists {
		if w.ID == id {
			return w, true
		}
	}
	return WatchList{}, false
}

// Operation returns the operation with the given id.
func (f *File) Operation(id string) (Operation, bool) {
	for _, o := range f.Operations {
		if o.ID == id {
			return o, true
		}
	}
	return Operation{}, false
}
