package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// ErrInvalid marks a write refused because of what was asked.
var ErrInvalid = errors.New("invalid")

// Annotate appends an annotation to a hit and its timeline event (seen on
// the same boards as the hit) in one transaction.
func (s *Store) Annotate(ctx context.Context, a watch.Annotation) (watch.Annotation, error) {
	if a.Tags == nil {
		a.Tags = []string{}
	}
	if a.Kind == "" {
		a.Kind = watch.AnnotationNote
	}
	err := s.write(ctx, func(t *tx) error {
		var ops string
		err := t.QueryRowContext(ctx, `SELECT operations FROM hits WHERE id = ?`, a.HitID).Scan(&ops)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("hit %d: %w", a.HitID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("annotate: %w", err)
		}
		var supersedes any
		if a.Supersedes != 0 {
			var hit int64
			err := t.QueryRowContext(ctx, `SELECT hit_id FROM annotations WHERE id = ?`, a.Supersedes).Scan(&hit)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && hit != a.HitID) {
				return fmt.Errorf("annotation %d is not on hit %d: %w", a.Supersedes, a.HitID, ErrInvalid)
			}
			if err != nil {
				return err
			}
			supersedes = a.Supersedes
		}
		a.At = t.now
		tags, _ := json.Marshal(a.Tags)
		res, err := t.ExecContext(ctx, `INSERT INTO annotations(hit_id, kind, team, author, note, tags, supersedes, at) VALUES(?,?,?,?,?,?,?,?)`,
			a.HitID, a.Kind, a.Team, a.Author, a.Note, string(tags), supersedes, fmtTime(a.At))
		if err != nil {
			return fmt.Errorf("insert annotation: %w", err)
		}
		if a.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if _, err := t.appendEvent(ctx, watch.EventAnnotation, opsFromColumn(ops), a); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: a.Author, Action: "annotate",
			Target: fmt.Sprintf("hit:%d", a.HitID), Detail: fmt.Sprintf("annotation=%d kind=%s team=%s supersedes=%d", a.ID, a.Kind, a.Team, a.Supersedes)})
	})
	return a, err
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// annotations returns the annotations of the given hits, oldest first.
func (s *Store) annotations(ctx context.Context, q querier, hitIDs []int64) (map[int64][]watch.Annotation, error) {
	out := map[int64][]watch.Annotation{}
	if len(hitIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(hitIDs))
	for i, id := range hitIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT id, hit_id, kind, team, author, note, tags, COALESCE(supersedes, 0), at
		FROM annotations WHERE hit_id IN (?`+strings.Repeat(",?", len(hitIDs)-1)+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("annotations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a watch.Annotation
		var tags, at string
		if err := rows.Scan(&a.ID, &a.HitID, &a.Kind, &a.Team, &a.Author, &a.Note, &tags, &a.Supersedes, &at); err != nil {
			return nil, err
		}
		a.At = parseTime(at)
		if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
			return nil, fmt.Errorf("annotation %d tags: %w", a.ID, err)
		}
		out[a.HitID] = append(out[a.HitID], a)
	}
	return out, rows.Err()
}

// hitsWithAnnotations runs a query selecting hitColumns and returns its
// hits in order, each with its annotations, read through q (a transaction
// or the read pool). what names the query in errors.
func (s *Store) hitsWithAnnotations(ctx context.Context, q querier, what, query string, args ...any) ([]watch.HitView, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	hits := []watch.HitView{}
	var ids []int64
	for rows.Next() {
		v, err := scanHit(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		hits = append(hits, v)
		ids = append(ids, v.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	anns, err := s.annotations(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Annotations = append(hits[i].Annotations, anns[hits[i].ID]...)
	}
	return hits, nil
}
