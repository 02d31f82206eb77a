//go:build linux

package bench

import (
	"fmt"
	"strings"
	"time"
)

// line is a phase's summary: the figures of one side in one round.
func (r *fanPhaseResult) line(o fanOptions) string {
	var all fanHist
	all.merge(&r.lat.first)
	all.merge(&r.lat.second)
	return fmt.Sprintf("fanout server=%s clients=%d rate=%g deliveries=%.0f lost=%d p50_ms=%.1f p99_ms=%.1f kb_per_conn=%.1f slow_dropped=%d server_cpu_ms_per_1k=%.1f clients_cpu_ms_per_1k=%.1f",
		r.side, o.clients, o.rate, r.deliveries, r.lost, all.quantileMs(0.5), all.quantileMs(0.99), r.kbPerConn, r.slowDropped,
		perThousandMs(r.serverCPU, r.delivered), perThousandMs(r.clientCPU, r.delivered))
}

// fanTotals are one side's figures over every round.
type fanTotals struct {
	rounds     int
	lat        fanHist // clients that keep reading
	serverCPU  time.Duration
	delivered  int64
	kbPerConn  float64 // the mean of the rounds'
	lost       int64
	failures   []string
	deliveries float64
}

// fanReport is the whole run: watchroom, and the peer when it ran.
type fanReport struct {
	clients   int
	rate      float64
	watchroom fanTotals
	peer      fanTotals
}

func (rep *fanReport) add(r *fanPhaseResult) {
	t := &rep.watchroom
	if r.side == "peer" {
		t = &rep.peer
	}
	t.rounds++
	t.lat.merge(&r.lat.first)
	t.lat.merge(&r.lat.second)
	t.serverCPU += r.serverCPU
	t.delivered += r.delivered
	t.kbPerConn += (r.kbPerConn - t.kbPerConn) / float64(t.rounds)
	t.deliveries += (r.deliveries - t.deliveries) / float64(t.rounds)
	t.lost += r.lost
	var why []string
	if r.lost > 0 || r.behind > 0 {
		why = append(why, fmt.Sprintf("%d events lost (%d clients behind)", r.lost, r.behind))
	}
	if r.dups > 0 {
		why = append(why, fmt.Sprintf("%d duplicates", r.dups))
	}
	if r.resets > 0 {
		why = append(why, fmt.Sprintf("%d resets", r.resets))
	}
	if !r.contiguous {
		why = append(why, "the timeline has events the bench did not publish")
	}
	if len(why) > 0 {
		t.failures = append(t.failures, r.side+": "+strings.Join(why, "; "))
	}
}

// failure says why the run failed, or "".
func (rep *fanReport) failure() string {
	return strings.Join(append(rep.watchroom.failures, rep.peer.failures...), "; ")
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// lines are the run's last lines: the ratios and the side-by-side summary
// when the peer ran, else watchroom's summary over the rounds.
func (rep *fanReport) lines() []string {
	w, p := &rep.watchroom, &rep.peer
	wp99, wcpu := w.lat.quantileMs(0.99), perThousandMs(w.serverCPU, w.delivered)
	if p.rounds == 0 {
		return []string{fmt.Sprintf("fanout clients=%d rate=%g deliveries=%.0f lost=%d p50_ms=%.1f p99_ms=%.1f kb_per_conn=%.1f server_cpu_ms_per_1k=%.1f",
			rep.clients, rep.rate, w.deliveries, w.lost, w.lat.quantileMs(0.5), wp99, w.kbPerConn, wcpu)}
	}
	pp99, pcpu := p.lat.quantileMs(0.99), perThousandMs(p.serverCPU, p.delivered)
	return []string{
		fmt.Sprintf("fanout_ratio rounds=%d watchroom/peer: p50 x%.2f, p99 x%.2f, server cpu per delivery x%.2f, kb per idle connection x%.2f (%.1f against %.1f); below 1 is watchroom ahead",
			w.rounds, ratio(w.lat.quantileMs(0.5), p.lat.quantileMs(0.5)), ratio(wp99, pp99), ratio(wcpu, pcpu), ratio(w.kbPerConn, p.kbPerConn), w.kbPerConn, p.kbPerConn),
		fmt.Sprintf("fanout_vs clients=%d rate=%g watchroom_p99_ms=%.1f peer_p99_ms=%.1f watchroom_cpu_ms_per_1k=%.1f peer_cpu_ms_per_1k=%.1f lost=%d",
			rep.clients, rep.rate, wp99, pp99, wcpu, pcpu, w.lost+p.lost),
	}
}
