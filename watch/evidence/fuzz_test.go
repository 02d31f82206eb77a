package evidence_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/watchroom/watchroom/watch/evidence"
)

// fixture is a package made by this code (two exhibits), kept so that
// the fuzzer's worker processes all compare against the same package.
// WATCHROOM_WRITE_FIXTURE=1 go test -run TestFixturePackage ./watch/evidence/
// makes it again after a change of format.
var fixture = filepath.Join("testdata", "package.zip")

func TestFixturePackage(t *testing.T) {
	if os.Getenv("WATCHROOM_WRITE_FIXTURE") == "1" {
		r := newRig(t, evidence.Options{})
		p, _ := exportCase(t, r)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(fixture, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := evidence.Verify(fixture, evidence.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Err(); err != nil {
		t.Fatalf("%v\n(made by an older format? see the comment on fixture)", err)
	}
}

// FuzzVerifyReader feeds the verifier packages made from a real one with
// bytes changed: it must report, never panic, and never call a package
// whose content differs good.
func FuzzVerifyReader(f *testing.F) {
	good, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	_, files := unzipBytes(f, good)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := evidence.VerifyReader(bytes.NewReader(data), int64(len(data)), evidence.VerifyOptions{})
		if err != nil || !rep.OK() {
			return
		}
		// Whatever zip carried it, a package that verifies has the
		// content of the one that was made.
		_, got := unzipBytes(t, data)
		if len(got) != len(files) {
			t.Fatalf("%d files, the package made had %d, yet it verified", len(got), len(files))
		}
		for name, b := range got {
			if want, ok := files[name]; !ok || !bytes.Equal(b, want) {
				t.Fatalf("%s differs from the package made, yet it verified", name)
			}
		}
	})
}
