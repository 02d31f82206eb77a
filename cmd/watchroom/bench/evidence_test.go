package bench

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

var evidenceLastLine = regexp.MustCompile(`^evidence captures=\d+ raw_per_s=\d+\.\d rendered_per_s=\d+\.\d\d export_20_s=\d+\.\d\d$`)

// The evidence benchmark, small: raw captures, two rendered ones when
// Chromium is there (required under CI=true), and the export of a case of
// 20 exhibits that verifies, ending with the agreed line.
func TestBenchEvidence(t *testing.T) {
	_, err := exec.LookPath("chromium")
	chromium := err == nil
	if !chromium && os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no Chromium is installed")
	}
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"evidence", "--captures", "20", "--rendered", "2", "--dir", t.TempDir()}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !evidenceLastLine.MatchString(last) {
		t.Fatalf("last line %q does not have the agreed form\n%s", last, out.String())
	}
	if chromium && (strings.Contains(last, "rendered_per_s=0.00") || !strings.Contains(last, "captures=22")) {
		t.Errorf("Chromium is here but nothing was rendered:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "the package verifies") {
		t.Errorf("no verified package:\n%s", out.String())
	}
}

func TestBenchEvidenceWithoutRendering(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"evidence", "--captures", "3", "--render", "off", "--dir", t.TempDir()}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "rendered: not measured") || !strings.Contains(out.String(), "rendered_per_s=0.00 export_3_s=") {
		t.Fatalf("output:\n%s", out.String())
	}
	if code := Main(context.Background(), []string{"evidence", "--captures", "0"}, &out, &errOut); code != 2 {
		t.Fatalf("--captures 0: exit %d, want 2", code)
	}
}
