package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// benchOnly are modules only the benchmark harness may depend on: the
// fan-out's peer. The console itself (every package but the harness and
// the main package that dispatches to it) must not pull them in.
var benchOnly = []string{"github.com/centrifugal/"}

func TestBenchOnlyDependencies(t *testing.T) {
	root, module := moduleRoot(t)
	cmd := exec.Command("go", "list", "-json=ImportPath,Deps", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	allowed := []string{module + "/cmd/watchroom", module + "/cmd/watchroom/bench"}
	dec := json.NewDecoder(bytes.NewReader(out))
	checked := 0
	for {
		var p struct {
			ImportPath string
			Deps       []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list output: %v", err)
		}
		checked++
		if slices.Contains(allowed, p.ImportPath) {
			continue
		}
		for _, d := range p.Deps {
			for _, b := range benchOnly {
				if strings.HasPrefix(d, b) {
					t.Errorf("%s depends on %s, which only the benchmark harness may use", p.ImportPath, d)
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("go list found no packages")
	}
}
