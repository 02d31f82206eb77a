package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

var ingestLastLine = regexp.MustCompile(`^ingest items=600 items_per_s=\d+ baseline_items_per_s=\d+ speedup=\d+\.\d$`)

// The ingest benchmark on a few hundred corpus items: both passes record
// every item through the pipeline, publish one hit event per hit in seq
// order, and the run ends with the agreed line.
func TestBenchIngest(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"ingest", "--items", "600", "--baseline-items", "200", "--senders", "4",
		"--per-call", "10", "--corpus", "../../../../shared/corpus", "--dir", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !ingestLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	for _, pass := range []string{"baseline (one transaction per item", "ingest (group commit"} {
		if !regexp.MustCompile(regexp.QuoteMeta(pass) + `[^\n]* [1-9]\d* hits, [1-9]\d* hit events published in seq order`).MatchString(out.String()) {
			t.Errorf("pass %q did not report its hits and events:\n%s", pass, out.String())
		}
	}
}

func TestBenchIngestRefusesBadFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"ingest", "--per-call", "0"}, &out, &errOut); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}
