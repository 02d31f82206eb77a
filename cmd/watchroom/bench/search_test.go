package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

var searchLastLine = regexp.MustCompile(`^search items=3000 queries=\d+ p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d baseline_p99_ms=\d+\.\d speedup=\d+\.\d$`)

var searchKindLine = regexp.MustCompile(`(?m)^kind=(\w+) runs=\d+ p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d$`)

// The search benchmark on a small store built from the shared corpus: it
// runs every kind of query through Store.Search and the LIKE baseline,
// gives p50 and p99 per kind and ends with the agreed line; a second run
// reuses the archive the first built.
func TestBenchSearch(t *testing.T) {
	dir := t.TempDir()
	run := func() string {
		var out, errOut bytes.Buffer
		code := Main(context.Background(), []string{"search", "--items", "3000", "--runs", "2",
			"--corpus", "../../../../shared/corpus", "--dir", dir}, &out, &errOut)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
		}
		return out.String()
	}
	first := run()
	if !strings.HasPrefix(first, "store: 3000 items from ") {
		t.Fatalf("the first run should build the archive:\n%s", first)
	}
	var out bytes.Buffer
	out.WriteString(run())
	if !strings.HasPrefix(out.String(), "store: 3000 items reused from ") {
		t.Fatalf("the second run should reuse the archive:\n%s", out.String())
	}
	kinds := map[string]bool{}
	for _, m := range searchKindLine.FindAllStringSubmatch(out.String(), -1) {
		kinds[m[1]] = true
	}
	if len(kinds) != 6 {
		t.Errorf("p50 and p99 for %v, want every kind:\n%s", kinds, out.String())
	}
	if n := strings.Count(out.String(), "  prefix "); n < 4 {
		t.Errorf("%d prefix queries, want 4:\n%s", n, out.String())
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
