package bench

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

var alertsLastLine = regexp.MustCompile(`^alerts hits=4000 rules=200 dropped=0 lag_p99_s=\d+\.\d{3} rss_growth=-?\d+\.\d{3}$`)

// A short run of the alerts benchmark: every hit evaluated, the count
// rule just under the hits fires, and the run ends with the agreed line.
func TestBenchAlerts(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"alerts", "--hits", "4000", "--dir", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !alertsLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	if code := Main(context.Background(), []string{"alerts", "--hits", "0"}, &out, &errOut); code != 2 {
		t.Fatalf("--hits 0: exit %d", code)
	}
}
