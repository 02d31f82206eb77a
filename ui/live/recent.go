package live

import (
	"sync"

	"github.com/watchroom/watchroom/watch"
)

// recent holds the last events the hub encoded, by seq, in a ring. A
// replay reuses their encoding instead of encoding each event once per
// reconnecting client, and when the ring holds the whole gap it skips the
// database too: after a restart thousands of boards reconnect at once,
// all missing the same few hundred events.
type recent struct {
	mu    sync.Mutex
	slots []recentEvent
}

type recentEvent struct {
	ev  watch.Event
	out outgoing
}

func newRecent(n int) *recent { return &recent{slots: make([]recentEvent, n)} }

// put keeps an event unless its slot holds a newer one: an old event
// encoded for one far-behind replay must not push out the latest ones.
func (r *recent) put(ev watch.Event, out outgoing) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i := ev.Seq % int64(len(r.slots))
	if r.slots[i].ev.Seq > ev.Seq {
		return
	}
	r.slots[i] = recentEvent{ev: ev, out: out}
}

func (r *recent) get(seq int64) (outgoing, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.slots[seq%int64(len(r.slots))]
	return s.out, s.out.frame != nil && s.ev.Seq == seq
}

// span returns the events in (after, head] that board shows, if the ring
// holds every event of that range; false if any is missing.
func (r *recent) span(board string, after, head int64) ([]outgoing, bool) {
	if head-after > int64(len(r.slots)) {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var outs []outgoing
	for seq := after + 1; seq <= head; seq++ {
		s := r.slots[seq%int64(len(r.slots))]
		if s.ev.Seq != seq || s.out.frame == nil {
			return nil, false
		}
		if s.ev.VisibleOn(board) {
			outs = append(outs, s.out)
		}
	}
	return outs, true
}
