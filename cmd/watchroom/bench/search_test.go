package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

var searchLastLine = regexp.MustCompile(`^search items=3000 queries=\d+ p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d baseline_p99_ms=\d+\.\d speedup=\d+\.\d$`)

// The search benchmark on a small store built from the shared corpus: it
// runs every kind of query through Store.Search and the LIKE baseline and
// ends with the agreed line.
func TestBenchSearch(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"search", "--items", "3000", "--runs", "2",
		"--corpus", "../../../../shared/corpus", "--dir", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !searchLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	for _, kind := range []string{"common", "rare", "phrase", "prefix", "board", "absent", "like"} {
		if !strings.Contains(out.String(), "  "+kind+" ") {
			t.Errorf("no %s query:\n%s", kind, out.String())
		}
	}
	// a common word finds a full page of results
	if !regexp.MustCompile(`common\s+all\s+"\w+"\s+100 hits`).MatchString(out.String()) {
		t.Errorf("a common word should fill the page:\n%s", out.String())
	}
}

func TestBenchSearchRefusesBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"search", "--items", "0"}, &out, &errOut); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
