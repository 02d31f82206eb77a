package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// The command exits 0 on a good log, 1 on a log a checkpoint file shows
// to be truncated, 2 when it cannot check.
func TestAuditVerifyCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	cpFile := filepath.Join(t.TempDir(), "watchroom.checkpoints")
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+dir+"\naudit:\n  checkpoint_file: "+cpFile+"\n")
	cfg, err := config.Load(p, app.ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg, watchtest.Logger(), app.Options{Unscheduled: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(context.Background()); err != nil { // writes a checkpoint
		t.Fatal(err)
	}
	code, out, stderr := runCmd(t, "", "audit", "verify", "--config", p, "--checkpoint", cpFile)
	if code != 0 || !strings.Contains(out, "1 in "+cpFile) || !strings.Contains(out, "verified") {
		t.Fatalf("good log: exit %d\n%s%s", code, out, stderr)
	}
	// a checkpoint that counts more rows than the log has: a truncation
	line, err := os.ReadFile(cpFile)
	if err != nil {
		t.Fatal(err)
	}
	other := writeFile(t, "other.checkpoints", strings.Replace(string(line), `"rows":1`, `"rows":2`, 1))
	code, out, _ = runCmd(t, "", "audit", "verify", "--config", p, "--checkpoint", other)
	if code != 1 || !strings.Contains(out, "truncated") {
		t.Fatalf("a truncated log: exit %d\n%s", code, out)
	}
	if code, _, _ := runCmd(t, "", "audit", "verify"); code != 2 {
		t.Fatalf("no --config: exit %d", code)
	}
	if code, _, stderr := runCmd(t, "", "audit", "verify", "--config", p, "--checkpoint", filepath.Join(dir, "none")); code != 2 || stderr == "" {
		t.Fatalf("a missing checkpoint file: exit %d %s", code, stderr)
	}
}
