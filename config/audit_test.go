package config

import (
	"strings"
	"testing"
	"time"
)

func TestAuditDefaultsAndValues(t *testing.T) {
	f, err := Parse("w.yaml", []byte("server: {}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Audit.CheckpointInterval != DefaultCheckpointInterval || f.Audit.CheckpointFile != "" {
		t.Fatalf("defaults: %+v", f.Audit)
	}
	f, err = Parse("w.yaml", []byte(lines("audit:", "  checkpoint_interval: 5m", "  checkpoint_file: /mnt/worm/watchroom.checkpoints")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Audit.CheckpointInterval != 5*time.Minute || f.Audit.CheckpointFile != "/mnt/worm/watchroom.checkpoints" {
		t.Fatalf("values: %+v", f.Audit)
	}
}

func TestAuditProblems(t *testing.T) {
	_, err := Parse("w.yaml", []byte(lines("audit:", "  checkpoint_interval: 0s", "  checkpoint_file: ''", "  checkpoints: 1")), Options{})
	if err == nil {
		t.Fatal("a bad audit section loaded")
	}
	for _, want := range []string{
		`w.yaml:2:24: audit.checkpoint_interval: duration "0s" must be more than 0`,
		`audit.checkpoint_file`,
		`audit: unknown key "checkpoints"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
}
