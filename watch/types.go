// Package watch holds watchroom's domain types and the watch pipeline that
// turns polled source content into hits on the timeline.
package watch

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Role is what a signed-in person may do. Roles are ordered: each includes
// the rights of the ones below it.
type Role string

const (
	// RoleRequester is anyone in the force who asks the hub for help: they
	// see their own requests and what is released to them, never a board.
	RoleRequester Role = "requester"
	RoleViewer    Role = "viewer"
	RoleOfficer   Role = "officer"
	RoleAnalyst   Role = "analyst"
	// RoleSupervisor is the hub's sergeant or inspector: an analyst who
	// also triages requests (docs/tasking.md says why it is a role).
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

var roleRank = map[Role]int{RoleRequester: 1, RoleViewer: 2, RoleOfficer: 3, RoleAnalyst: 4, RoleSupervisor: 5, RoleAdmin: 6}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// AtLeast reports whether r has at least the rights of min.
func (r Role) AtLeast(min Role) bool { return r.Valid() && roleRank[r] >= roleRank[min] }

// Source is a configured public source to poll.
type Source struct {
	ID       string
	Kind     string // the source registry (watch/source) maps kinds to parsers
	URL      string
	Schedule string // a cron spec or "@every 5m"
	Name     string
	// Options are per-kind settings (selectors, page limit...); each kind
	// documents its own keys. Nil means the kind's defaults.
	Options map[string]string
}

// WatchList is a named keyword query. Terms are words or "quoted phrases".
type WatchList struct {
	ID       string
	Name     string
	Terms    []string
	Sources  []string // empty: every source
	Severity string   // critical, high or routine
	Query    string   // the list as a query (docs/watchlists.md), instead of Terms
	// Tags are free labels; "event discovery" makes the list's hits
	// proposals for draft operations.
	Tags []string
}

// Operation groups watch lists and sources around an event; each has a board.
type Operation struct {
	ID         string
	Name       string
	Start, End time.Time
	WatchLists []string
	Sources    []string // empty: every source
	Kind       string   // planned, ume, gathering, other
	Place      string
	Terms      []string // place and date terms
	Risk       string
	Team       string
	// Point is the place's coordinates, if known; RadiusM the distance in
	// metres around it that counts as the place (0: none given).
	Point   *GeoPoint
	RadiusM int
	Context string // free text: what analysts know of the event
	// BriefingLead is how long before the start the scheduled briefing is
	// made (0: DefaultBriefingLead).
	BriefingLead time.Duration
	// Cadence overrides, per phase, how often the operation's sources are
	// polled (a phase without one takes the scheduler's default).
	Cadence map[Phase]time.Duration
	Origin  string // OriginConfig, OriginWeb or OriginOverride
}

// Item is one normalised piece of public content from a source.
type Item struct {
	ID        int64     `json:"id"`
	SourceID  string    `json:"source"`
	Key       string    `json:"-"` // identity within the source: GUID, canonical URL or content hash
	URL       string    `json:"url"`
	Author    string    `json:"author"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	Published time.Time `json:"published"` // zero when the source gave none
	Found     time.Time `json:"found"`
	// MediaLinks are http(s) links to the images, videos and linked pages
	// the item carries.
	MediaLinks []string `json:"media,omitempty"`
	Language   string   `json:"language,omitempty"` // BCP 47 tag when the source says
	// BodySHA256 is the SHA-256 (hex) of the raw response body the item
	// was parsed from, so what was seen can be shown to be what was fetched.
	BodySHA256 string `json:"body_sha256,omitempty"`
	// EventStart, EventEnd and Location describe an event (calendar
	// sources; pages may give a location); zero or empty otherwise.
	EventStart time.Time `json:"event_start,omitzero"`
	EventEnd   time.Time `json:"event_end,omitzero"`
	Location   string    `json:"location,omitempty"`
}

// Span is a matched byte range [Start, End) within one field of an item.
type Span struct {
	Field string `json:"field"` // "title" or "text"
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// Hit is an item matched by a watch list.
type Hit struct {
	ID         int64     `json:"id"`
	ItemID     int64     `json:"item_id"`
	ListID     string    `json:"list"`
	Terms      []string  `json:"terms"`
	Spans      []Span    `json:"spans"`
	Operations []string  `json:"operations"` // operations whose boards show this hit
	Found      time.Time `json:"found"`
}

// Annotation kinds.
const (
	AnnotationNote        = "note"         // a note, with tags
	AnnotationAck         = "ack"          // seen and dealt with
	AnnotationFlag        = "flag"         // refer to the platform for removal
	AnnotationEscalate    = "escalate"     // pass to a named team
	AnnotationNotRelevant = "not_relevant" // a false match: feeds back into the watch lists
)

// AnnotationKinds are the kinds an annotation may have.
var AnnotationKinds = []string{AnnotationNote, AnnotationAck, AnnotationFlag, AnnotationEscalate, AnnotationNotRelevant}

// Annotation is an officer's note and tags on a hit. Annotations are
// append-only: a correction is a new annotation that supersedes an older one.
type Annotation struct {
	ID         int64     `json:"id"`
	HitID      int64     `json:"hit_id"`
	Kind       string    `json:"kind"`
	Team       string    `json:"team,omitempty"` // escalate: to whom
	Author     string    `json:"author"`
	Note       string    `json:"note"`
	Tags       []string  `json:"tags"`
	Supersedes int64     `json:"supersedes,omitempty"`
	At         time.Time `json:"at"`
}

// Event types on the timeline.
const (
	EventHit        = "hit"
	EventAnnotation = "annotation"
	EventSource     = "source"
	EventReset      = "reset"
	EventAlert      = "alert"
	// EventRequest is a tasking request changing. It is shown only on the
	// boards it names (its requester's and the hub's tasking board), never
	// on "all": a request is not for every viewer.
	EventRequest = "request"
	// EventErased says hits were erased (docs/retention.md): boards take
	// their cards away. It goes to the boards that showed them.
	EventErased = "erased"
)

// BoardAll is the board that shows every operation's events.
const BoardAll = "all"

// Tasking boards carry request events only: BoardTasking for the hub's
// supervisors and analysts, RequesterBoard(id) for one requester. Their
// names hold a colon, which no operation id may.
const BoardTasking = "tasking:all"

// RequesterBoard is the board of one requester's own requests.
func RequesterBoard(userID int64) string { return "tasking:u" + strconv.FormatInt(userID, 10) }

// IsTaskingBoard reports whether a board carries request events only.
func IsTaskingBoard(board string) bool { return strings.HasPrefix(board, "tasking:") }

// Event is one entry of the ordered timeline. Seq comes from SQLite and is
// assigned in the same transaction as the data the event describes.
type Event struct {
	Seq        int64           `json:"seq"`
	Type       string          `json:"type"`
	At         time.Time       `json:"at"`
	Operations []string        `json:"-"` // boards beyond "all" that see it; empty: only "all" (and source events: every board)
	Data       json.RawMessage `json:"data"`
}

// VisibleOn reports whether the event belongs on the given board.
func (e Event) VisibleOn(board string) bool {
	if e.Type == EventRequest || IsTaskingBoard(board) {
		if e.Type != EventRequest {
			return false
		}
		for _, b := range e.Operations {
			if b == board {
				return true
			}
		}
		return false
	}
	if board == BoardAll || e.Type == EventSource {
		return true
	}
	for _, op := range e.Operations {
		if op == board {
			return true
		}
	}
	return false
}

// SourceHealth is the observed state of one source.
type SourceHealth struct {
	SourceID     string    `json:"source"`
	State        string    `json:"state"` // "ok", "failing", "new"
	LastSuccess  time.Time `json:"last_success"`
	LastError    string    `json:"last_error"`
	LastErrorAt  time.Time `json:"last_error_at"`
	Failures     int       `json:"failures"`    // consecutive
	ErrorClass   string    `json:"error_class"` // dns, timeout, http_5xx, blocked, unparseable, ...
	Paused       bool      `json:"paused"`
	ETag         string    `json:"-"`
	LastModified string    `json:"-"`
	// Cursor is the newest position (item key) the last successful poll
	// reached; paging sources stop following older pages there.
	Cursor string `json:"-"`
}

// User is a person who may sign in.
type User struct {
	ID           int64
	Name         string
	Role         Role
	PasswordHash string
	Team         string // the neighbourhood team a viewer belongs to; "" for the hub and control room
	Disabled     bool
	Created      time.Time
	// Deleted is when the account was deleted (zero: not deleted). The
	// row stays so records keep the name; it can never sign in again.
	Deleted time.Time
	// MustChange: the password was reset and must be changed at the next
	// sign-in before anything else.
	MustChange bool
}

// HitView is a hit with its item and its annotations, as a board shows it.
type HitView struct {
	Hit
	Item        Item         `json:"item"`
	Annotations []Annotation `json:"annotations"`
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`  // user name, or "system"
	Action string    `json:"action"` // e.g. "login", "login_failed", "annotate"
	Target string    `json:"target"`
	Detail string    `json:"detail"`
	Hash   string    `json:"hash"`
}

// Finding is an item with the hits the matcher found in it, to record.
type Finding struct {
	Item Item
	Hits []Hit
}

// Recorded is what recording one Finding did: New is false when the source
// had an item with the same key (nothing written); Hits are the stored hits.
type Recorded struct {
	Item Item
	New  bool
	Hits []HitView
}
