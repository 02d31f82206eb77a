//go:build linux

package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fanTestClients runs the test binary itself as the clients' process.
func fanTestClients(ctx context.Context, args []string) (*exec.Cmd, error) {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fanClientsEnv+"="+strings.Join(args, " "))
	return cmd, nil
}

var (
	fanSideLine = regexp.MustCompile(`(?m)^fanout server=(watchroom|peer) clients=(\d+) rate=(\d+) deliveries=(\d+) lost=(\d+) p50_ms=\d+\.\d p99_ms=(\d+\.\d) kb_per_conn=-?\d+\.\d slow_dropped=(\d+) server_cpu_ms_per_1k=(\d+\.\d) clients_cpu_ms_per_1k=(\d+\.\d)$`)
	fanVsLine   = regexp.MustCompile(`^fanout_vs clients=(\d+) rate=(\d+) watchroom_p99_ms=(\d+\.\d) peer_p99_ms=(\d+\.\d) watchroom_cpu_ms_per_1k=(\d+\.\d) peer_cpu_ms_per_1k=(\d+\.\d) lost=(\d+)$`)
	fanLastLine = regexp.MustCompile(`^fanout clients=(\d+) rate=(\d+) deliveries=(\d+) lost=(\d+) p50_ms=\d+\.\d p99_ms=\d+\.\d kb_per_conn=-?\d+\.\d server_cpu_ms_per_1k=\d+\.\d$`)
)

func runTestFanout(t *testing.T, args string) (string, []string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := benchFanoutWith(t.Context(), strings.Fields("--clients 20 --rate 50 --duration 2s --password-cost 4 "+args), &out, &errb, fanTestClients)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	return out.String(), strings.Split(strings.TrimSpace(out.String()), "\n")
}

// The steady run measures watchroom and the peer alternately, with the
// clients in a process of their own, and ends with the side-by-side line.
func TestBenchFanoutAgainstPeer(t *testing.T) {
	out, lines := runTestFanout(t, "--rounds 2")
	m := fanVsLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q is not the side-by-side summary\n%s", lines[len(lines)-1], out)
	}
	if m[1] != "20" || m[2] != "50" || m[7] != "0" {
		t.Fatalf("clients=%s rate=%s lost=%s, want 20, 50, 0\n%s", m[1], m[2], m[7], out)
	}
	for i := 3; i <= 6; i++ {
		if v, _ := strconv.ParseFloat(m[i], 64); v <= 0 {
			t.Fatalf("figure %d of the summary is %s, want above 0\n%s", i-2, m[i], out)
		}
	}
	sides := fanSideLine.FindAllStringSubmatch(out, -1)
	var order []string
	for _, s := range sides {
		order = append(order, s[1])
		if d, _ := strconv.Atoi(s[4]); d == 0 {
			t.Fatalf("%s: no deliveries\n%s", s[1], out)
		}
		if s[5] != "0" {
			t.Fatalf("%s: lost=%s\n%s", s[1], s[5], out)
		}
	}
	if got := strings.Join(order, ","); got != "watchroom,peer,watchroom,peer" {
		t.Fatalf("phases ran %s, want watchroom and peer alternating twice\n%s", got, out)
	}
	if !strings.Contains(out, "processes: server (this one, pid ") || !strings.Contains(out, "fanout_ratio rounds=2 watchroom/peer:") {
		t.Fatalf("no processes or ratio line\n%s", out)
	}
}

func TestBenchFanoutScenarios(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     string
		wantLine string // a progress line that must appear
		minSlow  int
	}{
		// stalled clients fill their sockets fast (16 KB items, small
		// buffers) and pass a short write deadline: the server closes them
		// and they resume by seq
		{"stalls", "--stall-percent 10 --write-wait 200ms --size 16000", "stall: the server closed all 2 stalled clients", 2},
		{"restart", "--restart", "restart: killed the server", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, lines := runTestFanout(t, tc.args)
			m := fanLastLine.FindStringSubmatch(lines[len(lines)-1])
			if m == nil {
				t.Fatalf("last line %q is not the summary\n%s", lines[len(lines)-1], out)
			}
			if m[1] != "20" || m[2] != "50" || m[4] != "0" {
				t.Fatalf("clients=%s rate=%s lost=%s, want 20, 50, 0\n%s", m[1], m[2], m[4], out)
			}
			if d, _ := strconv.Atoi(m[3]); d == 0 {
				t.Fatalf("no deliveries\n%s", out)
			}
			side := fanSideLine.FindStringSubmatch(out)
			if side == nil {
				t.Fatalf("no watchroom line\n%s", out)
			}
			if slow, _ := strconv.Atoi(side[7]); slow < tc.minSlow {
				t.Fatalf("slow_dropped=%d, want at least %d\n%s", slow, tc.minSlow, out)
			}
			if !strings.Contains(out, tc.wantLine) {
				t.Fatalf("no %q line\n%s", tc.wantLine, out)
			}
		})
	}
}

func TestBenchFanoutRefusesBadFlags(t *testing.T) {
	for _, args := range []string{"--clients 0", "--rate -1", "--stall-percent 100", "--password-cost 99", "--rounds 0", "--role server", "--nope", "extra"} {
		var out, errb bytes.Buffer
		if code := benchFanout(t.Context(), strings.Fields(args), &out, &errb); code != 2 {
			t.Errorf("%s: exit %d, want 2", args, code)
		}
	}
}

// fanRestamp renews the stamp in a payload, keeping the rest.
func TestFanRestamp(t *testing.T) {
	got := string(fanRestamp([]byte(`{"title":"fanout-t=1234","x":1}`), 987654321))
	if got != `{"title":"fanout-t=987654321","x":1}` {
		t.Fatalf("got %s", got)
	}
}
