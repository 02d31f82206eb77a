package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// SaveSilence keeps a silence (new, or expired early), with its audit
// entry and a "silence" timeline event on every board it may touch, in one
// transaction. action is "silence_add" or "silence_expire".
func (s *Store) SaveSilence(ctx context.Context, r watch.Silence, action, by string) error {
	m, err := json.Marshal(r.Matchers)
	if err != nil {
		return err
	}
	detail, _ := json.Marshal(r)
	var ops []string
	if op := r.Matchers["operation"]; op != "" {
		ops = []string{op}
	}
	return s.write(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, `INSERT INTO silences(id, origin, matchers, start, end, reason, author, updated) VALUES(?,?,?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET start=excluded.start, end=excluded.end, updated=excluded.updated`,
			r.ID, r.Origin, string(m), fmtTime(r.Start), fmtTime(r.End), r.Reason, r.Author, fmtTime(t.now)); err != nil {
			return fmt.Errorf("save silence %s: %w", r.ID, err)
		}
		if _, err := t.appendEvent(ctx, EventSilence, ops, map[string]any{"event": action, "silence": r, "by": by}); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: action, Target: "silence:" + r.ID, Detail: string(detail)})
	})
}

// EventSilence is the timeline event of a silence added or expired.
const EventSilence = "silence"

// Silences returns the stored silences.
func (s *Store) Silences(ctx context.Context) ([]watch.Silence, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, origin, matchers, start, end, reason, author FROM silences ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("silences: %w", err)
	}
	defer rows.Close()
	var out []watch.Silence
	for rows.Next() {
		var r watch.Silence
		var m, start, end string
		if err := rows.Scan(&r.ID, &r.Origin, &m, &start, &end, &r.Reason, &r.Author); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(m), &r.Matchers); err != nil {
			return nil, fmt.Errorf("silence %s matchers: %w", r.ID, err)
		}
		r.Start, r.End = parseTime(start), parseTime(end)
		out = append(out, r)
	}
	return out, rows.Err()
}
