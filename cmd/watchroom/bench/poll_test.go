package bench

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var pollLastLine = regexp.MustCompile(`^poll sources=(\d+) polls_per_min=(\d+) p99_lag_s=(\d+\.\d\d) max_per_host=(\d+) bytes_ratio=(\d\.\d{3})$`)

// A small run of bench poll against the shared corpus, as CI can afford:
// 40 sources on 8 host names due every second for 3 s.
func TestBenchPoll(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"poll", "--sources", "40", "--hosts", "8", "--every", "1s", "--duration", "3s",
		"--rate", "50", "--burst", "10", "--corpus", "../../../../shared/corpus"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	m := pollLastLine.FindStringSubmatch(lines[len(lines)-1])
	if m == nil {
		t.Fatalf("last line %q does not have the agreed form\n%s", lines[len(lines)-1], out.String())
	}
	num := func(i int) float64 { f, _ := strconv.ParseFloat(m[i], 64); return f }
	// every source due every second for 3 s: about 120 polls, 2400 a minute
	if num(1) != 40 || num(2) < 1200 {
		t.Errorf("sources %v, polls a minute %v; want 40 and at least half of 2400\n%s", num(1), num(2), out.String())
	}
	if num(4) < 1 || num(4) > 2 {
		t.Errorf("max_per_host %v, want 1 or 2 (the cap)", num(4))
	}
	// 60% answer 304: conditional polls cost a bit over 40% of full ones
	if r := num(5); r < 0.38 || r > 0.5 {
		t.Errorf("bytes_ratio %v, want about 0.4", r)
	}
	if !strings.Contains(out.String(), "0 failed") {
		t.Errorf("some polls failed:\n%s", out.String())
	}
}

func TestBenchPollFlags(t *testing.T) {
	for _, args := range [][]string{{"poll", "--sources", "0"}, {"poll", "--every", "500ms"}, {"poll", "--unchanged", "1.5"}, {"poll", "extra"}} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}
