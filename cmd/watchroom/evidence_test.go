package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/evidence/evidencetest"
)

func TestEvidenceKeyIsMadeOnceAndPrinted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+dir+"\n")
	code, out, stderr := runCmd(t, "", "evidence", "key", "--config", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	key, err := evidence.KeyFromPEM([]byte(out))
	if err != nil {
		t.Fatalf("output is not a PEM public key: %v\n%s", err, out)
	}
	if !strings.Contains(out, "fingerprint: "+key.Fingerprint+"\n") {
		t.Fatalf("output lacks the fingerprint %s:\n%s", key.Fingerprint, out)
	}
	if _, err := os.Stat(evidence.KeyPath(dir)); err != nil {
		t.Fatalf("no key kept: %v", err)
	}
	if code, again, _ := runCmd(t, "", "evidence", "key", "--config", p); code != 0 || again != out {
		t.Fatalf("a second run printed another key (exit %d):\n%s", code, again)
	}
	if code, _, _ := runCmd(t, "", "evidence", "key"); code != 2 {
		t.Fatalf("no --config: exit %d, want 2", code)
	}
}

func TestEvidenceVerify(t *testing.T) {
	dataDir := t.TempDir()
	pkg, key := evidencetest.Package(t, dataDir)
	pemFile := writeFile(t, "key.pem", string(key.PEM))

	for _, args := range [][]string{
		{pkg},
		{pkg, "--key", key.Fingerprint},
		{"--pubkey", pemFile, pkg},
	} {
		code, out, stderr := runCmd(t, "", append([]string{"evidence", "verify"}, args...)...)
		if code != 0 {
			t.Fatalf("verify %v: exit %d\n%s%s", args, code, out, stderr)
		}
		for _, want := range []string{pkg + ": verified", "case 42/1234/26", "2 exhibit(s)", "file(s) checked", key.Fingerprint, "custody logs"} {
			if !strings.Contains(out, want) {
				t.Errorf("verify %v: output lacks %q:\n%s", args, want, out)
			}
		}
	}

	for _, a := range evidencetest.Alterations() {
		t.Run(a.Name, func(t *testing.T) {
			code, out, _ := runCmd(t, "", "evidence", "verify", evidencetest.Alter(t, pkg, a), "--key", key.Fingerprint)
			if code != 1 || !strings.Contains(out, "DOES NOT VERIFY") || !strings.Contains(out, a.Kind+": ") || !strings.Contains(out, a.Naming) {
				t.Fatalf("exit %d, want 1 naming %s %q:\n%s", code, a.Kind, a.Naming, out)
			}
		})
	}

	t.Run("wrong key", func(t *testing.T) {
		_, other := evidencetest.Package(t, t.TempDir())
		code, out, _ := runCmd(t, "", "evidence", "verify", pkg, "--key", other.Fingerprint)
		if code != 1 || !strings.Contains(out, "key: public_key.pem: the package is signed with key "+key.Fingerprint+", not the expected "+other.Fingerprint) {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		otherPEM := writeFile(t, "other.pem", string(other.PEM))
		if code, out, _ := runCmd(t, "", "evidence", "verify", pkg, "--pubkey", otherPEM); code != 1 || !strings.Contains(out, "not the expected "+other.Fingerprint) {
			t.Fatalf("--pubkey of another key: exit %d:\n%s", code, out)
		}
	})

	if code, _, stderr := runCmd(t, "", "evidence", "verify", filepath.Join(t.TempDir(), "none.zip")); code != 1 || !strings.Contains(stderr, "none.zip") {
		t.Fatalf("missing package: exit %d %s", code, stderr)
	}
	if code, _, _ := runCmd(t, "", "evidence", "verify"); code != 2 {
		t.Fatalf("no package: exit %d, want 2", code)
	}
}

func TestCheckSaysWhetherCapturesAreRendered(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+dir+"\nevidence:\n  render: off\n")
	code, out, stderr := runCmd(t, "", "check", "--config", p)
	if code != 0 || !strings.Contains(out, "evidence: rendering is off (evidence.render: off): captures will be made without rendering") {
		t.Fatalf("render off: exit %d\n%s%s", code, out, stderr)
	}
	// no Chromium on PATH: a plain line, not a failure
	t.Setenv("PATH", t.TempDir())
	p = writeFile(t, "c2.yaml", "server:\n  data_dir: "+dir+"\n")
	code, out, stderr = runCmd(t, "", "check", "--config", p)
	if code != 0 || !strings.Contains(out, "evidence: Chromium not found") || !strings.Contains(out, "captures will be made without rendering") {
		t.Fatalf("no Chromium: exit %d\n%s%s", code, out, stderr)
	}
}
