package watch

import "time"

// Briefing is what a pre-event briefing says, as data: the document is
// rendered from it, and it is what a stored version keeps.
type Briefing struct {
	Operation   Operation        `json:"operation"`
	Phase       Phase            `json:"phase"`
	GeneratedAt time.Time        `json:"generated_at"`
	Generator   string           `json:"generator"`
	WatchLists  []WatchList      `json:"watch_lists"`
	Sources     []BriefingSource `json:"sources"`
	HitCount    int              `json:"hit_count"`
	KeyHits     []HitView        `json:"key_hits"`
	OverTime    []Bucket         `json:"over_time"` // hourly, the last 48 hours
	TopTerms    []Count          `json:"top_terms"`
	BySource    []Count          `json:"by_source"`
	Alerts      []Alert          `json:"alerts"`
	Note        BriefingNote     `json:"note"`
}

// BriefingSource is a watched source and its health at generation time.
type BriefingSource struct {
	ID, Name, Kind string
	State          string    `json:"state"`
	LastSuccess    time.Time `json:"last_success"`
}

// BriefingNote is an analyst's summary and recommendations for an operation.
type BriefingNote struct {
	Operation       string    `json:"operation"`
	Summary         string    `json:"summary"`
	Recommendations string    `json:"recommendations"`
	Author          string    `json:"author"`
	Updated         time.Time `json:"updated"`
}

// BriefingVersion is one stored version of an operation's briefing.
// Versions are immutable once stored.
type BriefingVersion struct {
	ID        int64     `json:"id"`
	Operation string    `json:"operation"`
	Version   int       `json:"version"`
	Created   time.Time `json:"created"`
	Generator string    `json:"generator"` // a user name, or "schedule"
	SHA256    string    `json:"sha256"`    // of the delivered document
	// Doc is the briefing's content; listings of versions leave it empty.
	Doc Briefing `json:"-"`
}
