package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// BoardPrefs returns a person's board preferences; a person who has set
// none gets the defaults (nothing on).
func (s *Store) BoardPrefs(ctx context.Context, userID int64) (watch.BoardPrefs, error) {
	p := watch.BoardPrefs{Sound: []string{}, Notify: []string{}}
	var raw string
	err := s.r.QueryRowContext(ctx, `SELECT prefs FROM user_prefs WHERE user_id = ?`, userID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("prefs of user %d: %w", userID, err)
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return p, fmt.Errorf("prefs of user %d: %w", userID, err)
	}
	return p, nil
}

// SetBoardPrefs keeps a person's board preferences, replacing any before.
func (s *Store) SetBoardPrefs(ctx context.Context, userID int64, p watch.BoardPrefs) error {
	if !p.Valid() {
		return fmt.Errorf("prefs: %w", ErrInvalid)
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO user_prefs(user_id, prefs, updated) VALUES(?,?,?)
			ON CONFLICT(user_id) DO UPDATE SET prefs = excluded.prefs, updated = excluded.updated`,
			userID, string(raw), fmtTime(t.now))
		if err != nil {
			return fmt.Errorf("set prefs of user %d: %w", userID, err)
		}
		return nil
	})
}
