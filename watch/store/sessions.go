package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// CreateSession stores a session under the hash of its token (the token
// itself lives only in the person's cookie) and audits the sign-in.
func (s *Store) CreateSession(ctx context.Context, tokenHash string, u watch.User, ttl time.Duration, from string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE expires < ?`, fmtTime(t.now)); err != nil {
			return fmt.Errorf("prune sessions: %w", err)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO sessions(token_hash, user_id, created, expires) VALUES(?,?,?,?)`,
			tokenHash, u.ID, fmtTime(t.now), fmtTime(t.now.Add(ttl))); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: u.Name, Action: "login", Target: "user:" + u.Name, Detail: "from=" + from})
	})
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, tokenHash string) (watch.User, error) {
	var uid int64
	var expires string
	err := s.r.QueryRowContext(ctx, `SELECT user_id, expires FROM sessions WHERE token_hash = ?`, tokenHash).Scan(&uid, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return watch.User{}, ErrNotFound
	}
	if err != nil {
		return watch.User{}, fmt.Errorf("session: %w", err)
	}
	if !parseTime(expires).After(s.now()) {
		return watch.User{}, ErrNotFound
	}
	u, err := s.UserByID(ctx, uid)
	if err != nil {
		return u, err
	}
	if u.Disabled {
		return watch.User{}, ErrNotFound
	}
	return u, nil
}

// DeleteSession ends a session and audits the sign-out.
func (s *Store) DeleteSession(ctx context.Context, tokenHash, user string) error {
	return s.write(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
			return fmt.Errorf("delete session: %w", err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: user, Action: "logout", Target: "user:" + user})
	})
}
