//go:build sqlite_fts5 || fts5

package store

import (
	"context"
	"testing"
)

// Built with the sqlite_fts5 tag, the driver has FTS5 and says so.
func TestCheckFTS5(t *testing.T) {
	if err := CheckFTS5(context.Background()); err != nil {
		t.Fatal(err)
	}
}
