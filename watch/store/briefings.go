package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// AddBriefing stores a new version (numbered after the last) with its
// document, audited.
func (s *Store) AddBriefing(ctx context.Context, b watch.BriefingVersion) (watch.BriefingVersion, error) {
	data, err := json.Marshal(b.Doc)
	if err != nil {
		return b, fmt.Errorf("encode briefing: %w", err)
	}
	err = s.write(ctx, func(t *tx) error {
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM briefings WHERE operation = ?`, b.Operation).Scan(&b.Version); err != nil {
			return fmt.Errorf("briefing version: %w", err)
		}
		b.Created = t.now
		res, err := t.ExecContext(ctx, `INSERT INTO briefings(operation, version, created, generator, sha256, data) VALUES(?,?,?,?,?,?)`,
			b.Operation, b.Version, fmtTime(b.Created), b.Generator, b.SHA256, string(data))
		if err != nil {
			return fmt.Errorf("add briefing: %w", err)
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO briefing_documents(sha256, last_created) VALUES(?,?)
			ON CONFLICT(sha256) DO UPDATE SET last_created = excluded.last_created`, b.SHA256, fmtTime(b.Created)); err != nil {
			return fmt.Errorf("add briefing document: %w", err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: b.Generator, Action: "briefing_generate",
			Target: fmt.Sprintf("operation:%s", b.Operation), Detail: fmt.Sprintf("version=%d sha256=%s", b.Version, b.SHA256)})
	})
	return b, err
}

// Briefings lists an operation's versions, newest first ("" for every
// operation), without their documents.
func (s *Store) Briefings(ctx context.Context, operation string) ([]watch.BriefingVersion, error) {
	q := `SELECT id, operation, version, created, generator, sha256 FROM briefings`
	var args []any
	if operation != "" {
		q += ` WHERE operation = ?`
		args = append(args, operation)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY created DESC, id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("briefings: %w", err)
	}
	defer rows.Close()
	out := []watch.BriefingVersion{}
	for rows.Next() {
		var b watch.BriefingVersion
		var created string
		if err := rows.Scan(&b.ID, &b.Operation, &b.Version, &created, &b.Generator, &b.SHA256); err != nil {
			return nil, err
		}
		b.Created = parseTime(created)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Briefing returns one version with its document.
func (s *Store) Briefing(ctx context.Context, id int64) (watch.BriefingVersion, error) {
	var b watch.BriefingVersion
	var created, data string
	err := s.r.QueryRowContext(ctx, `SELECT id, operation, version, created, generator, sha256, data FROM briefings WHERE id = ?`, id).
		Scan(&b.ID, &b.Operation, &b.Version, &created, &b.Generator, &b.SHA256, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("briefing %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return b, fmt.Errorf("briefing %d: %w", id, err)
	}
	b.Created = parseTime(created)
	if err := json.Unmarshal([]byte(data), &b.Doc); err != nil {
		return b, fmt.Errorf("briefing %d: %w", id, err)
	}
	return b, nil
}

// HasBriefingBy reports whether the operation has a version made by generator.
func (s *Store) HasBriefingBy(ctx context.Context, operation, generator string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM briefings WHERE operation = ? AND generator = ?`, operation, generator).Scan(&n)
	return n > 0, err
}

// SaveBriefingNote replaces an operation's note, audited with the author.
func (s *Store) SaveBriefingNote(ctx context.Context, n watch.BriefingNote) (watch.BriefingNote, error) {
	err := s.write(ctx, func(t *tx) error {
		n.Updated = t.now
		if _, err := t.ExecContext(ctx, `INSERT INTO briefing_notes(operation, summary, recommendations, author, updated) VALUES(?,?,?,?,?)
			ON CONFLICT(operation) DO UPDATE SET summary=excluded.summary, recommendations=excluded.recommendations, author=excluded.author, updated=excluded.updated`,
			n.Operation, n.Summary, n.Recommendations, n.Author, fmtTime(n.Updated)); err != nil {
			return fmt.Errorf("save briefing note: %w", err)
		}
		return t.audit(ctx, watch.AuditEntry{Actor: n.Author, Action: "briefing_note", Target: "operation:" + n.Operation})
	})
	return n, err
}

// BriefingNoteOf returns an operation's note (empty when none yet).
func (s *Store) BriefingNoteOf(ctx context.Context, operation string) (watch.BriefingNote, error) {
	n := watch.BriefingNote{Operation: operation}
	var updated string
	err := s.r.QueryRowContext(ctx, `SELECT summary, recommendations, author, updated FROM briefing_notes WHERE operation = ?`, operation).
		Scan(&n.Summary, &n.Recommendations, &n.Author, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return n, nil
	}
	if err != nil {
		return n, fmt.Errorf("briefing note %s: %w", operation, err)
	}
	n.Updated = parseTime(updated)
	return n, nil
}
