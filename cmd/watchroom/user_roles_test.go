package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestUserAddRequesterAndSupervisor(t *testing.T) {
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+filepath.Join(t.TempDir(), "data")+"\n")
	for _, role := range []string{"requester", "supervisor"} {
		code, out, stderr := runCmd(t, "a-long-password\n", "user", "add", "--config", p, "--name", "u-"+role, "--role", role)
		if code != 0 || !strings.Contains(out, "("+role+")") {
			t.Fatalf("add %s: exit %d: %s %s", role, code, out, stderr)
		}
	}
	code, out, _ := runCmd(t, "", "user", "list", "--config", p)
	if code != 0 || !strings.Contains(out, "u-requester\trequester") || !strings.Contains(out, "u-supervisor\tsupervisor") {
		t.Fatalf("list: %d %q", code, out)
	}
}
