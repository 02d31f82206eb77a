package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// SourceHealth returns a source's last known health; a source never polled
// comes back with state "new".
func (s *Store) SourceHealth(ctx context.Context, id string) (watch.SourceHealth, error) {
	h := watch.SourceHealth{SourceID: id, State: "new"}
	var ls, lea string
	err := s.r.QueryRowContext(ctx, `SELECT state, last_success, last_error, last_error_at, failures, etag, last_modified, cursor, error_class, paused
		FROM source_health WHERE source = ?`, id).Scan(&h.State, &ls, &h.LastError, &lea, &h.Failures, &h.ETag, &h.LastModified, &h.Cursor, &h.ErrorClass, &h.Paused)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil
	}
	if err != nil {
		return h, fmt.Errorf("source health %s: %w", id, err)
	}
	h.LastSuccess, h.LastErrorAt = parseTime(ls), parseTime(lea)
	return h, nil
}

// SaveSourceHealth stores a source's health. When its state, error or
// count of failures in a row changes, a "source" timeline event tells
// every board and the alert service: every failed poll is one, even with
// the same error as the last (a source_failing rule counts them), while a
// run of successful polls writes none.
func (s *Store) SaveSourceHealth(ctx context.Context, h watch.SourceHealth) error {
	return s.write(ctx, func(t *tx) error {
		var oldState, oldErr string
		var oldFailures int
		err := t.QueryRowContext(ctx, `SELECT state, last_error, failures FROM source_health WHERE source = ?`, h.SourceID).Scan(&oldState, &oldErr, &oldFailures)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("source health %s: %w", h.SourceID, err)
		}
		// paused is the analyst's, set by SetSourcePaused: a poll's save keeps it
		if _, err := t.ExecContext(ctx, `INSERT INTO source_health(source, state, last_success, last_error, last_error_at, failures, etag, last_modified, cursor, error_class)
			VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET state=excluded.state, last_success=excluded.last_success,
			last_error=excluded.last_error, last_error_at=excluded.last_error_at, failures=excluded.failures,
			etag=excluded.etag, last_modified=excluded.last_modified, cursor=excluded.cursor, error_class=excluded.error_class`,
			h.SourceID, h.State, fmtTime(h.LastSuccess), h.LastError, fmtTime(h.LastErrorAt), h.Failures, h.ETag, h.LastModified, h.Cursor, h.ErrorClass); err != nil {
			return fmt.Errorf("save source health %s: %w", h.SourceID, err)
		}
		if oldState != h.State || oldErr != h.LastError || oldFailures != h.Failures {
			_, err := t.appendEvent(ctx, watch.EventSource, nil, h)
			return err
		}
		return nil
	})
}

// SetSourcePaused pauses or resumes a source's schedule, audited, and tells
// every board.
func (s *Store) SetSourcePaused(ctx context.Context, id string, paused bool, by string) (watch.SourceHealth, error) {
	var h watch.SourceHealth
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `INSERT INTO source_health(source, state, last_success, last_error, last_error_at, failures, etag, last_modified, paused)
			VALUES(?, 'new', '', '', '', 0, '', '', ?) ON CONFLICT(source) DO UPDATE SET paused = excluded.paused`, id, paused); err != nil {
			return fmt.Errorf("pause source %s: %w", id, err)
		}
		action := "source_resume"
		if paused {
			action = "source_pause"
		}
		if err := t.audit(ctx, watch.AuditEntry{Actor: by, Action: action, Target: "source:" + id}); err != nil {
			return err
		}
		var ls, lea string
		h = watch.SourceHealth{SourceID: id}
		if err := t.QueryRowContext(ctx, `SELECT state, last_success, last_error, last_error_at, failures, error_class, paused FROM source_health WHERE source = ?`, id).
			Scan(&h.State, &ls, &h.LastError, &lea, &h.Failures, &h.ErrorClass, &h.Paused); err != nil {
			return err
		}
		h.LastSuccess, h.LastErrorAt = parseTime(ls), parseTime(lea)
		_, err := t.appendEvent(ctx, watch.EventSource, nil, h)
		return err
	})
	return h, err
}

// RecordPoll logs one poll's outcome and how many new items it brought.
func (s *Store) RecordPoll(ctx context.Context, source string, at time.Time, outcome string, newItems int) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `INSERT INTO polls(source, at, outcome, new_items) VALUES(?,?,?,?)`, source, fmtTime(at), outcome, newItems)
		return err
	})
}

// PollStatsSince returns every source's poll counts since a time.
func (s *Store) PollStatsSince(ctx context.Context, since time.Time) (map[string]watch.PollStats, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT source, COUNT(*), SUM(outcome = 'not_modified'), SUM(outcome = 'error'), SUM(new_items)
		FROM polls WHERE at >= ? GROUP BY source`, fmtTime(since))
	if err != nil {
		return nil, fmt.Errorf("poll stats: %w", err)
	}
	defer rows.Close()
	out := map[string]watch.PollStats{}
	for rows.Next() {
		var id string
		var p watch.PollStats
		if err := rows.Scan(&id, &p.Polls, &p.NotModified, &p.Errors, &p.NewItems); err != nil {
			return nil, err
		}
		out[id] = p
	}
	return out, rows.Err()
}
