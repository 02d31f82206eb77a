package live_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The log holds seqs 10..20 (1..9 pruned). A position resumes when the
// client's next event is still kept, and resets otherwise.
func TestResumeOrReset(t *testing.T) {
	for _, tc := range []struct {
		name   string
		query  string
		reason string // "" = resumes
		from   int64  // first seq replayed when it resumes
	}{
		{"another database's epoch", "after=15&epoch=other", "epoch changed", 0},
		{"after ahead of head", "after=21&epoch=e1", "position ahead of the timeline", 0},
		{"after without epoch", "after=15", "position without epoch", 0},
		{"after two older than the oldest kept", "after=8&epoch=e1", "position older than what is kept", 0},
		{"after just before the oldest kept", "after=9&epoch=e1", "", 10},
		{"after the oldest kept", "after=10&epoch=e1", "", 11},
		{"after at head", "after=20&epoch=e1", "", 21},
		{"nothing yet", "epoch=e1", "", 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newHubEnv(t, live.Options{})
			e.log.add(20, 0)
			e.log.prune(9)
			c := e.dial(t, "board=all&"+tc.query)
			if tc.reason != "" {
				m, err := next(c)
				if err != nil {
					t.Fatal(err)
				}
				if m.Type != "reset" || m.Epoch != "e1" || m.Data["reason"] != tc.reason {
					t.Fatalf("got %+v, want reset %q in epoch e1", m, tc.reason)
				}
				if code := closeCode(t, c); code != live.CloseReset {
					t.Fatalf("close %d, want %d", code, live.CloseReset)
				}
				return
			}
			expectSeqs(t, c, tc.from, 20)
			watchtest.WaitFor(t, "subscription", 5*time.Second, func() bool { return e.hub.Stats().Clients == 1 })
			e.log.commit(e.hub, 1, 0)
			expectSeqs(t, c, 21, 21) // then live, without a gap or a duplicate
		})
	}
}

// MaxReplay missed events are replayed; one more and the client reloads.
func TestReplayLimit(t *testing.T) {
	for _, tc := range []struct {
		after int64
		reset bool
	}{{after: 5}, {after: 4, reset: true}} {
		t.Run(fmt.Sprint("after=", tc.after), func(t *testing.T) {
			e := newHubEnv(t, live.Options{MaxReplay: 5})
			e.log.add(10, 0)
			c := e.resume(t, tc.after)
			if !tc.reset {
				expectSeqs(t, c, tc.after+1, 10)
				return
			}
			if m, err := next(c); err != nil || m.Type != "reset" || m.Data["reason"] != "too far behind" {
				t.Fatalf("got %+v %v, want reset: too far behind", m, err)
			}
			if code := closeCode(t, c); code != live.CloseReset {
				t.Fatalf("close %d, want %d", code, live.CloseReset)
			}
		})
	}
}

// An event committed between the subscription and the replay is in both;
// the client sees it once.
func TestCommitDuringReplayIsSentOnce(t *testing.T) {
	e := newHubEnv(t, live.Options{})
	e.log.add(3, 0)
	e.log.onReplay = func() { e.log.onReplay = nil; e.log.commit(e.hub, 1, 0) }
	c := e.resume(t, 1)
	expectSeqs(t, c, 2, 4)
	e.log.commit(e.hub, 1, 0)
	expectSeqs(t, c, 5, 5)
}

// readAll reads consecutive seqs from after+1 until the connection ends;
// it returns the last seq read and the close code.
func readAll(t *testing.T, c *websocket.Conn, after int64) (int64, int) {
	t.Helper()
	last := after
	for {
		m, err := next(c)
		if err != nil {
			if ce, ok := err.(*websocket.CloseError); ok {
				return last, ce.Code
			}
			return last, websocket.CloseAbnormalClosure
		}
		if m.Seq != last+1 {
			t.Fatalf("got seq %d after %d", m.Seq, last)
		}
		last = m.Seq
	}
}

// A client that stops reading is closed, by a full queue (4008) or by a
// write past its deadline, and resumes by seq with nothing lost.
func TestStalledClientClosedAndResumes(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts live.Options
		code int
	}{
		{"queue overflows", live.Options{QueueSize: 8, WriteWait: time.Minute}, live.CloseSlow},
		{"write deadline passes", live.Options{QueueSize: 100000, WriteWait: 200 * time.Millisecond}, websocket.CloseAbnormalClosure},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newHubEnv(t, tc.opts)
			c := e.resume(t, 0)
			other := e.resume(t, 0)
			watchtest.WaitFor(t, "subscriptions", 5*time.Second, func() bool { return e.hub.Stats().Clients == 2 })
			var gotOther atomic.Int64
			go func() { _ = readAllQuiet(other, &gotOther) }()
			// Publish big events in step with the client that reads, so it
			// never falls behind, until the stalled one's socket is full and
			// the hub drops it.
			const pad = 64 << 10
			for i := int64(1); i <= 400 && e.hub.Stats().SlowDropped == 0; i++ {
				e.log.commit(e.hub, 1, pad)
				watchtest.WaitFor(t, "the reading client", 10*time.Second, func() bool { return gotOther.Load() == i })
			}
			watchtest.WaitFor(t, "the stalled client to be dropped", 10*time.Second, func() bool { return e.hub.Stats().SlowDropped == 1 })
			last, code := readAll(t, c, 0)
			if code != tc.code {
				t.Fatalf("close code %d, want %d", code, tc.code)
			}
			head, _ := e.log.Head(t.Context())
			c2 := e.resume(t, last)
			expectSeqs(t, c2, last+1, head)
			e.log.commit(e.hub, 1, 0)
			expectSeqs(t, c2, head+1, head+1)
			// the client that kept reading was never dropped and lost nothing
			watchtest.WaitFor(t, "the reading client", 10*time.Second, func() bool { return gotOther.Load() == head+1 })
			if s := e.hub.Stats(); s.SlowDropped != 1 {
				t.Fatalf("slow dropped %d, want 1", s.SlowDropped)
			}
		})
	}
}

// readAllQuiet is readAll for another goroutine: it stores the last seq
// read and stops at the first gap.
func readAllQuiet(c *websocket.Conn, last *atomic.Int64) error {
	for {
		m, err := next(c)
		if err != nil {
			return err
		}
		if m.Seq != last.Load()+1 {
			return fmt.Errorf("seq %d after %d", m.Seq, last.Load())
		}
		last.Store(m.Seq)
	}
}

func TestServerGoingAway(t *testing.T) {
	e := newHubEnv(t, live.Options{})
	c := e.resume(t, 0)
	watchtest.WaitFor(t, "subscription", 5*time.Second, func() bool { return e.hub.Stats().Clients == 1 })
	e.hub.CloseAll()
	if code := closeCode(t, c); code != websocket.CloseGoingAway {
		t.Fatalf("close %d, want %d", code, websocket.CloseGoingAway)
	}
	watchtest.WaitFor(t, "the client to be forgotten", 5*time.Second, func() bool { return e.hub.Stats().Clients == 0 })
}

// Each event is encoded once, whatever the number of clients.
func TestEncodeOncePerEvent(t *testing.T) {
	for _, n := range []int{1, 10, 50} {
		t.Run(fmt.Sprint(n, " clients"), func(t *testing.T) {
			e := newHubEnv(t, live.Options{})
			var cs []*websocket.Conn
			for i := 0; i < n; i++ {
				cs = append(cs, e.resume(t, 0))
			}
			watchtest.WaitFor(t, "subscriptions", 5*time.Second, func() bool { return e.hub.Stats().Clients == n })
			const events = 20
			for i := 0; i < events; i++ {
				e.log.commit(e.hub, 1, 100)
			}
			for _, c := range cs {
				expectSeqs(t, c, 1, events)
			}
			// the counter moves just after the write returns
			watchtest.WaitFor(t, "the sent counter", 5*time.Second, func() bool { return e.hub.Stats().MessagesSent == int64(events*n) })
			if s := e.hub.Stats(); s.Encoded != events {
				t.Fatalf("encoded %d events for %d clients, want %d", s.Encoded, n, events)
			}
		})
	}
}

// A replay whose whole gap the hub still holds encoded comes from there:
// no read of the timeline, no encoding per client.
func TestReplayFromRecentEvents(t *testing.T) {
	for _, tc := range []struct {
		name      string
		recent    int
		board     string
		after     int64
		want      []int64
		readsLog  bool
		encodesTo int64 // the hub's encoded count after the replay
	}{
		{"gap held", 0, "all", 5, []int64{6, 7, 8, 9, 10}, false, 10},
		{"gap held, one board", 0, "op1", 2, []int64{4, 6, 8, 10}, false, 10},
		{"gap longer than held", 4, "all", 3, []int64{4, 5, 6, 7, 8, 9, 10}, true, 13},
		{"no position: read, encodings reused", 0, "all", 0, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, true, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newHubEnv(t, live.Options{Recent: tc.recent})
			for i := 1; i <= 10; i++ {
				if i%2 == 0 {
					e.log.commit(e.hub, 1, 0, "op1")
				} else {
					e.log.commit(e.hub, 1, 0)
				}
			}
			q := fmt.Sprintf("board=%s&epoch=e1", tc.board)
			if tc.after > 0 {
				q += fmt.Sprint("&after=", tc.after)
			}
			c := e.dial(t, q)
			for _, want := range tc.want {
				if m, err := next(c); err != nil || m.Seq != want {
					t.Fatalf("got seq %d (%v), want %d", m.Seq, err, want)
				}
			}
			if read := e.log.reads.Load() > 0; read != tc.readsLog {
				t.Fatalf("read the timeline: %v, want %v", read, tc.readsLog)
			}
			if got := e.hub.Stats().Encoded; got != tc.encodesTo {
				t.Fatalf("encoded %d events, want %d", got, tc.encodesTo)
			}
		})
	}
}
