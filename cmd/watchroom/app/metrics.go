package app

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
)

type metrics struct {
	polls    *prometheus.CounterVec
	pushes   *prometheus.CounterVec
	errors   *prometheus.CounterVec
	hits     prometheus.Counter
	duration prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "watchroom_polls_total",
			Help: "Source polls by outcome (ok, not_modified, error)."}, []string{"source", "outcome"}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "watchroom_pushes_total",
			Help: "Pushes to webhook sources by outcome (ok, error)."}, []string{"source", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "watchroom_poll_errors_total",
			Help: "Failed polls by error class."}, []string{"class"}),
		hits: prometheus.NewCounter(prometheus.CounterOpts{Name: "watchroom_hits_total", Help: "Hits recorded."}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "watchroom_poll_seconds",
			Help: "Time to poll, parse, match and record one source.", Buckets: prometheus.DefBuckets}),
	}
	reg.MustRegister(m.polls, m.pushes, m.errors, m.hits, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) watchHub(reg *prometheus.Registry, h *live.Hub) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "watchroom_ws_clients", Help: "Open board connections."},
			func() float64 { return float64(h.Stats().Clients) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchroom_ws_slow_dropped_total",
			Help: "Board connections closed because they could not keep up."},
			func() float64 { return float64(h.Stats().SlowDropped) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchroom_ws_messages_total",
			Help: "Messages written to board connections."},
			func() float64 { return float64(h.Stats().MessagesSent) }),
	)
}

// watchAlerts exposes how far alert evaluation is behind the timeline.
func (m *metrics) watchAlerts(reg *prometheus.Registry, s *alerts.Service) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "watchroom_alerts_lag_seconds",
			Help: "How long the oldest timeline event not yet evaluated for alerts has waited (0 when none waits)."},
			func() float64 { return s.Stats().Lag.Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "watchroom_alerts_behind_seq",
			Help: "Timeline seqs between the last event evaluated for alerts and the newest waiting."},
			func() float64 { return float64(s.Stats().Behind) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchroom_alerts_evaluated_total",
			Help: "Timeline events evaluated for alerts."},
			func() float64 { return float64(s.Stats().Evaluated) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "watchroom_alerts_read_back_total",
			Help: "Timeline events read back from the store for alerts (the queue was full, or after a restart)."},
			func() float64 { return float64(s.Stats().ReadBack) }),
	)
}

func (m *metrics) observePoll(r watch.PollReport) {
	m.hits.Add(float64(r.Hits))
	if r.Pushed { // not a poll: no fetch, nothing to time or classify
		outcome := "ok"
		if r.Err != nil {
			outcome = "error"
		}
		m.pushes.WithLabelValues(r.Source, outcome).Inc()
		return
	}
	m.duration.Observe(r.Duration.Seconds())
	switch {
	case r.Err != nil:
		m.polls.WithLabelValues(r.Source, "error").Inc()
		m.errors.WithLabelValues(string(fetch.ClassOf(r.Err))).Inc()
	case r.NotModified:
		m.polls.WithLabelValues(r.Source, "not_modified").Inc()
	default:
		m.polls.WithLabelValues(r.Source, "ok").Inc()
	}
}
