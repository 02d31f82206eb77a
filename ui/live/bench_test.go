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

// BenchmarkPublish fans one event at a time out to 10, 100 and 1000 real
// websocket clients and waits until every client has it. It reports how
// many times each event was encoded (1, whatever the number of clients),
// the cost per delivery, and that cost as a ratio to the 10-client run.
//
//	go test -run XXX -bench BenchmarkPublish -benchtime 200x ./ui/live/
func BenchmarkPublish(b *testing.B) {
	var base float64
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprint("subscribers=", n), func(b *testing.B) {
			e := newHubEnv(b, live.Options{QueueSize: 1 << 16})
			w := &deliveries{all: make(chan struct{}, 1)}
			for i := 0; i < n; i++ {
				go w.count(e.resume(b, 0))
			}
			watchtest.WaitFor(b, "subscriptions", 30*time.Second, func() bool { return e.hub.Stats().Clients == n })
			before := e.hub.Stats().Encoded
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w.want.Store(int64((i + 1) * n))
				e.log.commit(e.hub, 1, 400)
				<-w.all
			}
			b.StopTimer()
			encodes := float64(e.hub.Stats().Encoded-before) / float64(b.N)
			perDelivery := float64(b.Elapsed().Nanoseconds()) / float64(b.N*n)
			if n == 10 {
				base = perDelivery
			}
			b.ReportMetric(encodes, "encodes/event")
			b.ReportMetric(perDelivery, "ns/delivery")
			if base > 0 {
				b.ReportMetric(perDelivery/base, "delivery_cost_vs_10")
			}
			if encodes != 1 {
				b.Fatalf("%.2f encodes per event with %d subscribers, want 1", encodes, n)
			}
		})
	}
}

// deliveries counts messages across clients and signals when the count
// reaches want.
type deliveries struct {
	got, want atomic.Int64
	all       chan struct{}
}

func (d *deliveries) count(c *websocket.Conn) {
	for {
		if _, _, err := c.NextReader(); err != nil {
			return
		}
		if d.got.Add(1) == d.want.Load() {
			d.all <- struct{}{}
		}
	}
}
