//go:build !sqlite_fts5 && !fts5

package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/watchroom/watchroom/watch/watchtest"
)

// Built without the sqlite_fts5 tag (make nofts5), the store refuses to
// open, saying why, and writes nothing: search could not work.
func TestOpenWithoutFTS5(t *testing.T) {
	ctx := context.Background()
	if err := CheckFTS5(ctx); !errors.Is(err, ErrNoFTS5) {
		t.Fatalf("CheckFTS5: %v, want ErrNoFTS5", err)
	}
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(ctx, path, watchtest.Logger(), Options{})
	if err == nil {
		s.Close()
		t.Fatal("a build without FTS5 opened the store")
	}
	if !errors.Is(err, ErrNoFTS5) || err.Error() != "this build lacks FTS5: build with -tags sqlite_fts5" {
		t.Fatalf("Open: %v", err)
	}
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		t.Errorf("the refused database was written: %d bytes", st.Size())
	}
}
