package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Meta reads a database-wide setting ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("meta %s: %w", key, err)
	}
	return v, nil
}

// SetMeta writes a database-wide setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}
