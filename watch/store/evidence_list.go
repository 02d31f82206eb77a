package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch/evidence"
)

// EvidenceCaptures lists the newest captures, at most limit, newest first.
func (s *Store) EvidenceCaptures(ctx context.Context, limit int) ([]evidence.Capture, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, meta FROM evidence_captures ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("captures: %w", err)
	}
	defer rows.Close()
	out := []evidence.Capture{}
	for rows.Next() {
		var c evidence.Capture
		var id int64
		var meta string
		if err := rows.Scan(&id, &meta); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(meta), &c); err != nil {
			return nil, fmt.Errorf("capture %d: %w", id, err)
		}
		c.ID = id
		out = append(out, c)
	}
	return out, rows.Err()
}

// ExhibitOfCapture returns the exhibit a capture is, or ErrNotFound when
// it is none.
func (s *Store) ExhibitOfCapture(ctx context.Context, captureID int64) (evidence.Exhibit, error) {
	e, err := scanExhibit(s.r.QueryRowContext(ctx, `SELECT `+exhibitColumns+` FROM evidence_exhibits WHERE capture_id = ?`, captureID))
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("capture %d is no exhibit: %w", captureID, evidence.ErrNotFound)
	}
	return e, err
}
