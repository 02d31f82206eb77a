package watch

// Snapshot is what a board loads before it goes live: the newest hits and
// the timeline position they reflect.
type Snapshot struct {
	Epoch string    `json:"epoch"`
	Head  int64     `json:"head"`
	Hits  []HitView `json:"hits"`
}
