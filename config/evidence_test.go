package config

import (
	"strings"
	"testing"
	"time"
)

func TestEvidenceDefaultsAndValues(t *testing.T) {
	f, err := Parse("w.yaml", []byte("server: {}\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Evidence.Render != RenderAuto || f.Evidence.Captures != DefaultEvidenceCaptures ||
		f.Evidence.Standard != DefaultEvidenceStandard || f.Evidence.Extended != DefaultEvidenceExtended {
		t.Fatalf("defaults: %+v", f.Evidence)
	}
	f, err = Parse("w.yaml", []byte(lines("evidence:", "  render: off", "  captures: 48h", "  retention: {standard: 100h, extended: 200h}")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Evidence.Render != RenderOff || f.Evidence.Captures != 48*time.Hour || f.Evidence.Standard != 100*time.Hour || f.Evidence.Extended != 200*time.Hour {
		t.Fatalf("values: %+v", f.Evidence)
	}
}

func TestEvidenceProblems(t *testing.T) {
	_, err := Parse("w.yaml", []byte(lines("evidence:", "  render: sometimes", "  captures: -1h", "  retention: {standard: 100h, extended: 50h, forever: 1h}", "  rendr: off")), Options{})
	if err == nil {
		t.Fatal("a bad evidence section loaded")
	}
	for _, want := range []string{
		`w.yaml:2:11: evidence.render: "sometimes" is not one of auto, off`,
		`w.yaml:3:13: evidence.captures: duration "-1h" must be more than 0`,
		`evidence.retention: unknown key "forever"`,
		`evidence: unknown key "rendr"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	_, err = Parse("w.yaml", []byte(lines("evidence:", "  retention: {standard: 100h, extended: 50h}")), Options{})
	if err == nil || !strings.Contains(err.Error(), "must not be shorter than standard") {
		t.Fatalf("extended shorter than standard: %v", err)
	}
}
