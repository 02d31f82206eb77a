package store

import (
	"context"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Pruned counts what one retention pass deleted.
type Pruned struct {
	Items, Events, Seen int64
}

// Prune deletes collected content older than keep: items (with their hits
// and annotations), and the timeline events that carried them. Keys of seen
// items are kept twice as long, so an old post still in a feed is not
// recorded again. Audited as done by the system.
func (s *Store) Prune(ctx context.Context, keep time.Duration) (Pruned, error) {
	var p Pruned
	err := s.write(ctx, func(t *tx) error {
		cut := fmtTime(t.now.Add(-keep))
		res, err := t.ExecContext(ctx, `DELETE FROM items WHERE found < ?`, cut)
		if err != nil {
			return fmt.Errorf("prune items: %w", err)
		}
		p.Items, _ = res.RowsAffected()
		res, err = t.ExecContext(ctx, `DELETE FROM events WHERE at < ?`, cut)
		if err != nil {
			return fmt.Errorf("prune events: %w", err)
		}
		p.Events, _ = res.RowsAffected()
		res, err = t.ExecContext(ctx, `DELETE FROM seen WHERE first_seen < ?`, fmtTime(t.now.Add(-2*keep)))
		if err != nil {
			return fmt.Errorf("prune seen: %w", err)
		}
		p.Seen, _ = res.RowsAffected()
		if _, err := t.ExecContext(ctx, `DELETE FROM polls WHERE at < ?`, fmtTime(t.now.Add(-7*24*time.Hour))); err != nil {
			return fmt.Errorf("prune polls: %w", err)
		}
		if p.Items+p.Events+p.Seen == 0 {
			return nil
		}
		return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "retention_delete", Target: "items",
			Detail: fmt.Sprintf("older_than=%s items=%d events=%d seen=%d", keep, p.Items, p.Events, p.Seen)})
	})
	return p, err
}
