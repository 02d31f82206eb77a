package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const badConfig = `sources:
  - id: a
    kind: feed
    url: "ftp://example.org/feed"
    shedule: "@every 5m"
watchlists:
  - id: w
    terms: ["rave"]
    sources: [nope]
`

func TestCheckReportsEveryProblemAndExits2(t *testing.T) {
	p := writeFile(t, "bad.yaml", badConfig)
	code, _, stderr := runCmd(t, "", "check", "--config", p)
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{
		p + ":2:5: sources[0]: missing required key \"schedule\"",
		p + ":4:10: sources[0].url:",
		p + ":5:5: sources[0]: unknown key \"shedule\"",
		p + ":9:15: watchlists[0].sources[0]:",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// serve refuses to start on it, with the same messages
	code, _, serr := runCmd(t, "", "serve", "--config", p)
	if code != 2 || !strings.Contains(serr, "refusing to start") || !strings.Contains(serr, p+":5:5: sources[0]: unknown key") {
		t.Fatalf("serve: exit %d\n%s", code, serr)
	}
}

func TestCheckExampleConfig(t *testing.T) {
	code, out, stderr := runCmd(t, "", "check", "--config", "../../config/example.yaml")
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
}

func TestUserAddFromStdin(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+filepath.Join(dir, "data")+"\n")
	code, out, stderr := runCmd(t, "a-long-password\n", "user", "add", "--config", p, "--name", "jsmith", "--role", "officer")
	if code != 0 || !strings.Contains(out, "added jsmith (officer)") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	code, _, stderr = runCmd(t, "a-long-password\n", "user", "add", "--config", p, "--name", "JSmith", "--role", "viewer")
	if code != 1 || !strings.Contains(stderr, "exists already") {
		t.Fatalf("duplicate: exit %d %s", code, stderr)
	}
	code, _, stderr = runCmd(t, "short\n", "user", "add", "--config", p, "--name", "x", "--role", "officer")
	if code != 2 || !strings.Contains(stderr, "at least 12") {
		t.Fatalf("short password: exit %d %s", code, stderr)
	}
	code, _, stderr = runCmd(t, "", "user", "add", "--config", p, "--name", "y", "--role", "officer")
	if code != 2 || !strings.Contains(stderr, "no password") {
		t.Fatalf("no password: exit %d %s", code, stderr)
	}
	code, _, stderr = runCmd(t, "a-long-password\n", "user", "add", "--config", p, "--name", "z", "--role", "chief")
	if code != 2 || !strings.Contains(stderr, "--role") {
		t.Fatalf("bad role: exit %d %s", code, stderr)
	}
	code, out, _ = runCmd(t, "", "user", "list", "--config", p)
	if code != 0 || strings.TrimSpace(out) != "jsmith\tofficer\t\tactive" {
		t.Fatalf("list: %d %q", code, out)
	}
	// there is no password flag
	code, _, stderr = runCmd(t, "", "user", "add", "--config", p, "--name", "q", "--role", "officer", "--password", "xxxxxxxxx")
	if code != 2 || !strings.Contains(stderr, "flag provided but not defined: -password") {
		t.Fatalf("password flag: exit %d %s", code, stderr)
	}
}

func TestCheckShowsQueryErrorWithCaret(t *testing.T) {
	p := writeFile(t, "q.yaml", `watchlists:
  - id: ume
    query: 'rave AND (drill OR'
  - id: ok
    query: '"free party" -cancelled'
  - id: both
    query: rave
    terms: [rave]
`)
	code, _, stderr := runCmd(t, "", "check", "--config", p)
	if code != 2 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{p + ":3:12: watchlists[0].query: column ", "rave AND (drill OR\n", "^", p + ":7:12: watchlists[2].query: give terms or a query, not both"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "watchlists[1]") {
		t.Errorf("a good query was refused:\n%s", stderr)
	}
}

// export watchlists writes the config's lists (no database yet) to
// standard output or to --out, and check accepts the file it came from.
func TestExportWatchListsCommand(t *testing.T) {
	cfg := writeFile(t, "w.yaml", `server:
  data_dir: `+filepath.Join(t.TempDir(), "data")+`
sources:
  - id: a
    kind: feed
    url: "https://example.org/feed"
    schedule: "@every 5m"
watchlists:
  - id: ume
    name: Unlicensed music events
    query: rave -cancelled
`)
	code, out, errOut := runCmd(t, "", "export", "watchlists", "--config", cfg)
	if code != 0 || !strings.Contains(out, "- id: ume") || !strings.Contains(out, "rave -cancelled") {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errOut)
	}
	outPath := filepath.Join(t.TempDir(), "lists.yaml")
	if code, _, errOut := runCmd(t, "", "export", "watchlists", "--config", cfg, "--out", outPath); code != 0 {
		t.Fatalf("export --out: exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(outPath); string(b) != out {
		t.Fatalf("--out wrote\n%s\nwant\n%s", b, out)
	}
	if code, _, _ := runCmd(t, "", "export", "watchlists"); code != 2 {
		t.Fatalf("export without --config: exit %d, want 2", code)
	}
}
