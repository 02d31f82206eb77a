// Package storetest opens real stores for tests: a SQLite file in the
// test's temporary folder, closed when the test ends. It is imported by
// tests only.
package storetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// Open opens a new database in a temporary folder, closed when the test
// ends. now may be nil (the wall clock).
func Open(t testing.TB, now func() time.Time) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "watchroom.db"), watchtest.Logger(), store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
