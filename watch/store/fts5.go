package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrNoFTS5 is returned by Open and CheckFTS5 when the SQLite compiled into
// this binary has no FTS5, which search needs: go-sqlite3 leaves it out
// unless built with the sqlite_fts5 tag.
var ErrNoFTS5 = errors.New("this build lacks FTS5: build with -tags sqlite_fts5")

// CheckFTS5 says whether this binary's SQLite has FTS5 (nil) or not
// (ErrNoFTS5), without opening a database file.
func CheckFTS5(ctx context.Context) error {
	db, err := sql.Open("sqlite3", "file::memory:")
	if err != nil {
		return fmt.Errorf("check FTS5: %w", err)
	}
	defer db.Close()
	var has bool
	if err := db.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&has); err != nil {
		return fmt.Errorf("check FTS5: %w", err)
	}
	if !has {
		return ErrNoFTS5
	}
	return nil
}
