package alerts

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/watchroom/watchroom/watch"
)

// TestMain fails the package's tests when any goroutine outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// queued takes the events waiting in the service's queue.
func queued(s *Service) []watch.Event {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}
