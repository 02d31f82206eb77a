//go:build linux

package bench

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var fanLastLine = regexp.MustCompile(`^fanout clients=(\d+) rate=(\d+) deliveries=(\d+) lost=(\d+) p50_ms=\d+\.\d p99_ms=\d+\.\d kb_per_conn=-?\d+\.\d slow_dropped=(\d+)$`)

func TestBenchFanout(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     string
		wantLine string // a progress line that must appear
		minSlow  int
	}{
		{"steady", "", "halves: p99", 0},
		// stalled clients fill their sockets fast (16 KB items, small
		// buffers) and pass a short write deadline: the server closes them
		// and they resume by seq
		{"stalls", "--stall-percent 10 --write-wait 200ms --size 16000", "stall: the server closed all 2 stalled clients", 2},
		{"restart", "--restart", "restart: killed the server", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := strings.Fields("--clients 20 --rate 50 --duration 2s --password-cost 4 " + tc.args)
			if code := benchFanout(t.Context(), args, &out, &errb); code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			m := fanLastLine.FindStringSubmatch(lines[len(lines)-1])
			if m == nil {
				t.Fatalf("last line %q is not the summary\n%s", lines[len(lines)-1], out.String())
			}
			if m[1] != "20" || m[2] != "50" || m[4] != "0" {
				t.Fatalf("clients=%s rate=%s lost=%s, want 20, 50, 0\n%s", m[1], m[2], m[4], out.String())
			}
			if d, _ := strconv.Atoi(m[3]); d == 0 {
				t.Fatalf("no deliveries\n%s", out.String())
			}
			if slow, _ := strconv.Atoi(m[5]); slow < tc.minSlow {
				t.Fatalf("slow_dropped=%d, want at least %d\n%s", slow, tc.minSlow, out.String())
			}
			if !strings.Contains(out.String(), tc.wantLine) {
				t.Fatalf("no %q line\n%s", tc.wantLine, out.String())
			}
		})
	}
}

func TestBenchFanoutRefusesBadFlags(t *testing.T) {
	for _, args := range []string{"--clients 0", "--rate -1", "--stall-percent 100", "--password-cost 99", "--nope", "extra"} {
		var out, errb bytes.Buffer
		if code := benchFanout(t.Context(), strings.Fields(args), &out, &errb); code != 2 {
			t.Errorf("%s: exit %d, want 2", args, code)
		}
	}
}
