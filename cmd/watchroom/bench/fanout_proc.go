//go:build linux

package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator runs in a process of its own (`bench fanout --role
// clients`), started by the bench and driven over its standard input and
// output: one JSON request a line, one JSON answer a line. So the
// server's process holds only the server, and each process's CPU time is
// its own. Latency is counted on one clock: the server's process stamps
// each event with the wall clock (CLOCK_REALTIME) when it writes it and
// notes when it was committed; the clients' process notes the wall clock
// when each event arrives, and the two are put together at the end.

// fanReq is one request to the clients' process.
type fanReq struct {
	Op     string          `json:"op"` // connect, park, stall, behind, counters, latency, reset, quit
	Target *fanTarget      `json:"target,omitempty"`
	After  int64           `json:"after,omitempty"`
	On     bool            `json:"on,omitempty"`
	At     int64           `json:"at,omitempty"`   // stall: when it began (unix ns)
	Head   int64           `json:"head,omitempty"` // behind: the last seq published
	Split  int64           `json:"split,omitempty"`
	Commit map[int64]int64 `json:"commit,omitempty"` // latency: ns from stamp to commit, by seq
}

// fanCounts are the clients' totals and the CPU their process used.
type fanCounts struct {
	Delivered, Dups, Gaps, Resets                int64
	ClosedSlow, ClosedAway, ClosedAbrupt, Closed int64
	Connects, DialFailed, Connected              int64
	CPU                                          time.Duration
}

// fanResp is the answer to a fanReq.
type fanResp struct {
	Err     string    `json:"err,omitempty"`
	Counts  fanCounts `json:"counts"`
	Behind  int       `json:"behind,omitempty"`
	Missing int64     `json:"missing,omitempty"`
	// latency: sparse histograms (bucket, count) and the stall's fill time
	First, Second, Stalled [][2]int64
	FilledNs               int64
}

// fanClientsMain is the clients' process: it serves requests until quit or
// the end of its input.
func fanClientsMain(ctx context.Context, o fanOptions, in io.Reader, out io.Writer) error {
	_, limit, err := fanRaiseFileLimit(uint64(o.clients + 128))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, err := newFanGen(ctx, o.clients, o.stallPercent, int(limit))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	enc := json.NewEncoder(out)
	for {
		var req fanReq
		if err := dec.Decode(&req); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		resp := g.serve(ctx, req)
		if err := enc.Encode(resp); err != nil {
			return err
		}
		if req.Op == "quit" {
			return nil
		}
	}
}

// serve answers one request.
func (g *fanGen) serve(ctx context.Context, req fanReq) fanResp {
	var resp fanResp
	switch req.Op {
	case "connect":
		if req.Target == nil {
			resp.Err = "connect without a target"
		} else if err := g.connectAll(ctx, *req.Target, req.After); err != nil {
			resp.Err = err.Error()
		}
	case "park":
		g.parkAll()
	case "stall":
		if req.On {
			g.lat.stallNs.Store(req.At)
		}
		g.setStall(req.On)
	case "behind":
		resp.Behind, resp.Missing = g.behind(req.Head)
	case "latency":
		var h fanLatencies
		for _, l := range g.loops {
			l.do(func() { l.latency(&h, req.Commit, req.Split) })
		}
		resp.First, resp.Second, resp.Stalled = h.first.sparse(), h.second.sparse(), h.stalled.sparse()
		resp.FilledNs = g.lat.filledNs.Load()
	case "reset":
		g.reset()
	case "counters", "quit":
	default:
		resp.Err = fmt.Sprintf("unknown request %q", req.Op)
	}
	resp.Counts = g.counts()
	return resp
}

func (g *fanGen) counts() fanCounts {
	c := &g.ctr
	return fanCounts{Delivered: c.delivered.Load(), Dups: c.dups.Load(), Gaps: c.gaps.Load(), Resets: c.resets.Load(),
		ClosedSlow: c.closedSlow.Load(), ClosedAway: c.closedAway.Load(), ClosedAbrupt: c.closedAbrupt.Load(), Closed: c.closed.Load(),
		Connects: c.connects.Load(), DialFailed: c.dialFailed.Load(), Connected: c.connected.Load(), CPU: cpuTime()}
}

// reset starts a new phase: counters (but connected) to zero, arrivals
// and the stall forgotten.
func (g *fanGen) reset() {
	c := &g.ctr
	for _, v := range []*atomic.Int64{&c.delivered, &c.dups, &c.gaps, &c.resets, &c.closedSlow, &c.closedAway, &c.closedAbrupt, &c.closed, &c.connects, &c.dialFailed} {
		v.Store(0)
	}
	g.lat.stallNs.Store(0)
	g.lat.filledNs.Store(0)
	for _, l := range g.loops {
		l.do(func() { clear(l.arrived) })
	}
}

// fanRemote is the bench's handle on the clients' process.
type fanRemote struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	enc   *json.Encoder
	dec   *json.Decoder
	mu    sync.Mutex
}

// fanClientsCommand starts this executable as the clients' process.
func fanClientsCommand(ctx context.Context, args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, exe, append([]string{"bench", "fanout"}, args...)...), nil
}

func startFanRemote(ctx context.Context, o fanOptions, stderr io.Writer) (*fanRemote, error) {
	args := []string{"--role", "clients", "--clients", strconv.Itoa(o.clients),
		"--stall-percent", strconv.FormatFloat(o.stallPercent, 'g', -1, 64)}
	command := o.clientsCommand
	if command == nil {
		command = fanClientsCommand
	}
	cmd, err := command(ctx, args)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the clients' process: %w", err)
	}
	return &fanRemote{cmd: cmd, stdin: stdin, enc: json.NewEncoder(stdin), dec: json.NewDecoder(bufio.NewReader(stdout))}, nil
}

// call sends one request and waits for its answer.
func (r *fanRemote) call(req fanReq) (fanResp, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var resp fanResp
	if err := r.enc.Encode(req); err != nil {
		return resp, fmt.Errorf("clients' process: %w", err)
	}
	if err := r.dec.Decode(&resp); err != nil {
		return resp, fmt.Errorf("clients' process: %w", err)
	}
	if resp.Err != "" {
		return resp, fmt.Errorf("clients' process: %s", resp.Err)
	}
	return resp, nil
}

func (r *fanRemote) counts() fanCounts {
	resp, _ := r.call(fanReq{Op: "counters"})
	return resp.Counts
}

func (r *fanRemote) behind(head int64) (int, int64) {
	resp, err := r.call(fanReq{Op: "behind", Head: head})
	if err != nil {
		return -1, 0
	}
	return resp.Behind, resp.Missing
}

// close asks the process to quit and waits for it.
func (r *fanRemote) close() error {
	_, err := r.call(fanReq{Op: "quit"})
	r.stdin.Close()
	if werr := r.cmd.Wait(); err == nil {
		err = werr
	}
	return err
}
