package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// SourceHealth returns a source's last known health; a source never polled
// comes back with state "new".
func (s *Store) SourceHealth(ctx context.Context, id string) (watch.SourceHealth, error) {
	h := watch.SourceHealth{SourceID: id, State: "new"}
	var ls, lea string
	err := s.r.QueryRowContext(ctx, `SELECT state, last_success, last_error, last_error_at, failures, etag, last_modified, cursor
		FROM source_health WHERE source = ?`, id).Scan(&h.State, &ls, &h.LastError, &lea, &h.Failures, &h.ETag, &h.LastModified, &h.Cursor)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("source health %s: %w", id, err)
	}
	h.LastSuccess, h.LastErrorAt = parseTime(ls), parseTime(lea)
	return h, nil
}

// AllSourceHealth returns the health of every source polled so far.
func (s *Store) AllSourceHealth(ctx context.Context) ([]watch.SourceHealth, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT source FROM source_health ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("source health: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]watch.SourceHealth, 0, len(ids))
	for _, id := range ids {
		h, err := s.SourceHealth(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// SaveSourceHealth stores a source's health. When its state or error
// changes, a "source" timeline event tells every board.
func (s *Store) SaveSourceHealth(ctx context.Context, h watch.SourceHealth) error {
	return s.write(ctx, func(t *tx) error {
		var oldState, oldErr string
		err := t.QueryRowContext(ctx, `SELECT state, last_error FROM source_health WHERE source = ?`, h.SourceID).Scan(&oldState, &oldErr)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("source health %s: %w", h.SourceID, err)
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO source_health(source, state, last_success, last_error, last_error_at, failures, etag, last_modified, cursor)
			VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET state=excluded.state, last_success=excluded.last_success,
			last_error=excluded.last_error, last_error_at=excluded.last_error_at, failures=excluded.failures,
			etag=excluded.etag, last_modified=excluded.last_modified, cursor=excluded.cursor`,
			h.SourceID, h.State, fmtTime(h.LastSuccess), h.LastError, fmtTime(h.LastErrorAt), h.Failures, h.ETag, h.LastModified, h.Cursor); err != nil {
			return fmt.Errorf("save source health %s: %w", h.SourceID, err)
		}
		if oldState != h.State || oldErr != h.LastError {
			_, err := t.appendEvent(ctx, watch.EventSource, nil, h)
			return err
		}
		return nil
	})
}
