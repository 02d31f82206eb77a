package alerts

import "github.com/watchroom/watchroom/watch"

// State is where an alert is in its lifecycle.
type State = watch.AlertState

const (
	StatePending      State = "pending"
	StateFiring       State = "firing"
	StateAcknowledged State = "acknowledged"
	StateResolved     State = "resolved"
)

// Alert is one instance of a rule's condition holding for a group (an
// operation, and for some kinds a source or an author); declared in watch,
// since the store keeps it.
type Alert = watch.Alert

// maxEvidence caps an alert's Evidence: hit ids, newest last.
const maxEvidence = 50

// Change is one thing that happened to an alert; the caller records each as
// a timeline event, and sends a notification where Notify is set.
type Change = watch.AlertChange
