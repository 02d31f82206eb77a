package alerts

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// alerts and its packages declare the storage interfaces they need and
// never import the store themselves (docs/architecture.md); only their
// tests may open one.
func TestAlertsDoesNotImportTheStore(t *testing.T) {
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return err
		}
		n++
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); strings.HasSuffix(path, "/watch/store") {
				t.Errorf("%s imports %s", name, path)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("read %d sources: %v", n, err)
	}
}
