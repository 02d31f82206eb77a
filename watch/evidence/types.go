package evidence

import (
	"time"
)

// Artefact kinds.
const (
	KindWARC       = "warc"       // the raw capture, WARC 1.1
	KindScreenshot = "screenshot" // full-page PNG from the browser
	KindPDF        = "pdf"        // the page printed by the browser
)

// Artefact is one file of a capture, stored once under its SHA-256.
type Artefact struct {
	Kind      string `json:"kind"`
	SHA256    string `json:"sha256"`
	Size      int64  `json:"size"`
	MediaType string `json:"media_type"`
}

// Hop is one request of a capture's redirect chain.
type Hop struct {
	URL    string `json:"url"`
	Status int    `json:"status"`
	IP     string `json:"ip"`
}

// Capture is one preserved copy of a public URL and how it was made.
type Capture struct {
	ID         int64     `json:"id"`
	URL        string    `json:"url"`       // as asked for
	FinalURL   string    `json:"final_url"` // after redirects
	Status     int       `json:"status"`    // of the final response
	IP         string    `json:"ip"`        // the final response came from
	CapturedAt time.Time `json:"captured_at"`
	CapturedBy string    `json:"captured_by"`
	Tool       string    `json:"tool"` // name and version of the software
	HitID      int64     `json:"hit_id,omitempty"`
	Operation  string    `json:"operation,omitempty"`
	Note       string    `json:"note"` // the analyst's reason for capturing
	Redirects  []Hop     `json:"redirects"`
	// Certificates are the SHA-256 fingerprints of the final hop's TLS
	// chain, the server's own first; empty over plain HTTP.
	Certificates []string   `json:"certificates"`
	TLSVersion   string     `json:"tls_version,omitempty"`
	Artefacts    []Artefact `json:"artefacts"`
	// Rendered says whether a browser rendering was made; RenderNote says
	// why not, or what limited it (height cut, a request refused...).
	// RenderedAt is when the browser was asked: the rendering is a second
	// load of the final URL, moments after the raw capture.
	Rendered   bool      `json:"rendered"`
	RenderedAt time.Time `json:"rendered_at,omitzero"`
	RenderNote string    `json:"render_note,omitempty"`
}

// Artefact returns the capture's artefact of a kind.
func (c Capture) Artefact(kind string) (Artefact, bool) {
	for _, a := range c.Artefacts {
		if a.Kind == kind {
			return a, true
		}
	}
	return Artefact{}, false
}

// Case is an investigation or purpose that exhibits are produced for.
type Case struct {
	ID        int64     `json:"id"`
	Reference string    `json:"reference"` // unique, e.g. a crime or incident number
	Officer   string    `json:"officer"`   // officer in charge
	Purpose   string    `json:"purpose"`   // offence or purpose
	Operation string    `json:"operation,omitempty"`
	Tasking   string    `json:"tasking,omitempty"` // tasking request id
	OpenedAt  time.Time `json:"opened_at"`
	OpenedBy  string    `json:"opened_by"`
	ClosedAt  time.Time `json:"closed_at,omitzero"`
	ClosedBy  string    `json:"closed_by,omitempty"`
}

// Open reports whether the case is still open.
func (c Case) Open() bool { return c.ClosedAt.IsZero() }

// Exhibit is a capture produced in a case. A capture is an exhibit of at
// most one case, so its custody log is the exhibit's.
type Exhibit struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	CaptureID int64     `json:"capture_id"`
	Reference string    `json:"reference"` // producer's initials and number, "JS/3"
	Producer  string    `json:"producer"`  // the person producing it
	AddedAt   time.Time `json:"added_at"`
	AddedBy   string    `json:"added_by"`
	Retention string    `json:"retention"` // retention class
	// Description says what the exhibit is, for the exhibit sheet.
	Description string `json:"description"`
}

// Custody actions.
const (
	ActCaptured         = "captured"
	ActViewed           = "viewed"
	ActAddedToCase      = "added_to_case"
	ActExported         = "exported"
	ActDisclosed        = "disclosed"
	ActRetentionChanged = "retention_changed"
)

// CustodyEntry is one act on a capture, chained to the one before it.
type CustodyEntry struct {
	CaptureID int64             `json:"capture_id"`
	Seq       int               `json:"seq"` // 1, 2, ... per capture
	At        time.Time         `json:"at"`
	Actor     string            `json:"actor"`
	Action    string            `json:"action"`
	Detail    map[string]string `json:"detail"`
	PrevHash  string            `json:"prev_hash"`
	Hash      string            `json:"hash"`
}

// Act is a custody act before it is chained: who did what, and the detail.
type Act struct {
	At     time.Time
	Actor  string
	Action string
	Detail map[string]string
}
