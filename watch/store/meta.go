package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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

// Secret returns the installation's secret called name: 32 random bytes
// made on first use and kept in the database (never in the config file),
// for keyed hashes and signatures that must stay stable across restarts.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret:" + name
	v, err := s.Meta(ctx, key)
	if err != nil || v != "" {
		return hex.DecodeString(v)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	// two callers racing keep the first secret written
	if err := s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING`, key, hex.EncodeToString(b))
		return err
	}); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	v, err = s.Meta(ctx, key)
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
