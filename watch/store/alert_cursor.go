package store

import (
	"context"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// AlertEventsAfter returns up to limit of the events the alert engine
// evaluates (hits, source health, referrals) with seq > after, oldest
// first: how the engine catches up when it has fallen behind the
// publisher, and after a restart.
func (s *Store) AlertEventsAfter(ctx context.Context, after int64, limit int) ([]watch.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, type, at, operations, data FROM events
		WHERE seq > ? AND type IN (?, ?, ?) ORDER BY seq LIMIT ?`,
		after, watch.EventHit, watch.EventSource, watch.EventReferral, limit)
	if err != nil {
		return nil, fmt.Errorf("alert events after %d: %w", after, err)
	}
	return scanEvents(rows)
}

// alertCursorKey is the meta key of the alert engine's position.
const alertCursorKey = "alerts_cursor"

// AlertCursor returns the last timeline seq the alert engine evaluated and
// the newest hit id among what it evaluated; ok is false when it has
// never saved one (a database from before it did).
func (s *Store) AlertCursor(ctx context.Context) (c watch.AlertCursor, ok bool, err error) {
	v, err := s.Meta(ctx, alertCursorKey)
	if err != nil || v == "" {
		return c, false, err
	}
	if _, err := fmt.Sscanf(v, "%d %d", &c.Seq, &c.HitID); err != nil {
		return c, false, fmt.Errorf("alert cursor %q: %w", v, err)
	}
	return c, true, nil
}

// SetAlertCursor saves the alert engine's position.
func (s *Store) SetAlertCursor(ctx context.Context, c watch.AlertCursor) error {
	return s.SetMeta(ctx, alertCursorKey, fmt.Sprintf("%d %d", c.Seq, c.HitID))
}
