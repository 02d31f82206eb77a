package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

var demandLastLine = regexp.MustCompile(`^demand requests=2000 p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d$`)

// A short run of the demand benchmark: the page renders over every
// request and the run ends with the agreed line.
func TestBenchDemand(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"demand", "--requests", "2000", "--runs", "3", "--dir", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !demandLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	if code := Main(context.Background(), []string{"demand", "--requests", "0"}, &out, &errOut); code != 2 {
		t.Fatalf("--requests 0: exit %d", code)
	}
}
