package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/watchroom/watchroom/watch"
)

const hitColumns = `h.id, h.item_id, h.list, h.terms, h.spans, h.operations, h.found,
	i.source, i.key, i.url, i.author, i.title, i.text, i.published, i.found,
	i.media, i.language, i.body_sha256, i.event_start, i.event_end, i.location`

type scanner interface{ Scan(...any) error }

func scanHit(r scanner) (watch.HitView, error) {
	var v watch.HitView
	var terms, spans, ops, found, pub, ifound, media, estart, eend string
	err := r.Scan(&v.ID, &v.ItemID, &v.ListID, &terms, &spans, &ops, &found,
		&v.Item.SourceID, &v.Item.Key, &v.Item.URL, &v.Item.Author, &v.Item.Title, &v.Item.Text, &pub, &ifound,
		&media, &v.Item.Language, &v.Item.BodySHA256, &estart, &eend, &v.Item.Location)
	if err != nil {
		return v, err
	}
	v.Item.ID = v.ItemID
	v.Found, v.Item.Published, v.Item.Found = parseTime(found), parseTime(pub), parseTime(ifound)
	v.Operations = opsFromColumn(ops)
	v.Item.EventStart, v.Item.EventEnd = parseTime(estart), parseTime(eend)
	if err := json.Unmarshal([]byte(media), &v.Item.MediaLinks); err != nil {
		return v, fmt.Errorf("hit %d media: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(terms), &v.Terms); err != nil {
		return v, fmt.Errorf("hit %d terms: %w", v.ID, err)
	}
	if err := json.Unmarshal([]byte(spans), &v.Spans); err != nil {
		return v, fmt.Errorf("hit %d spans: %w", v.ID, err)
	}
	v.Annotations = []watch.Annotation{}
	return v, nil
}

// Hit returns one hit with its item and annotations.
func (s *Store) Hit(ctx context.Context, id int64) (watch.HitView, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+hitColumns+` FROM hits h JOIN items i ON i.id = h.item_id WHERE h.id = ?`, id)
	v, err := scanHit(row)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("hit %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return v, fmt.Errorf("hit %d: %w", id, err)
	}
	anns, err := s.annotations(ctx, s.r, []int64{id})
	if err != nil {
		return v, err
	}
	v.Annotations = append(v.Annotations, anns[id]...)
	return v, nil
}

// BoardSnapshot returns the newest hits on a board, newest first, read in
// one transaction together with the head seq, so replaying events after
// Head from this snapshot leaves no gap.
func (s *Store) BoardSnapshot(ctx context.Context, board string, limit int) (watch.Snapshot, error) {
	snap := watch.Snapshot{Epoch: s.epoch, Hits: []watch.HitView{}}
	rtx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return snap, err
	}
	defer rtx.Rollback()
	if err := rtx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&snap.Head); err != nil {
		return snap, fmt.Errorf("snapshot head: %w", err)
	}
	where, args := boardFilter(board, "h.operations")
	hits, err := s.hitsWithAnnotations(ctx, rtx, "snapshot hits", `SELECT `+hitColumns+` FROM hits h JOIN items i ON i.id = h.item_id
		WHERE `+where+` ORDER BY h.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return snap, err
	}
	snap.Hits = hits
	return snap, nil
}

// HitCounts counts a board's hits found since from, in buckets of width,
// returning every bucket up to now (empty ones too): Stats, all lists
// together.
func (s *Store) HitCounts(ctx context.Context, board string, from time.Time, width time.Duration) ([]watch.Bucket, error) {
	st, err := s.Stats(ctx, board, from, width)
	if err != nil {
		return nil, err
	}
	out := make([]watch.Bucket, len(st.Buckets))
	for i, start := range st.Buckets {
		out[i].Start = start
		for _, counts := range st.ByList {
			out[i].Count += counts[i]
		}
	}
	return out, nil
}

// AuthorsOf returns the authors of an operation's stored hits: who the
// operation has seen before.
func (s *Store) AuthorsOf(ctx context.Context, operation string) ([]string, error) {
	where, args := boardFilter(operation, "h.operations")
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT i.author FROM hits h JOIN items i ON i.id = h.item_id
		WHERE i.author != '' AND `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("authors of %s: %w", operation, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// HitsSince returns the hits found after since, oldest first, with their
// items but no annotations; at most limit, the newest kept when there are
// more.
func (s *Store) HitsSince(ctx context.Context, since time.Time, limit int) ([]watch.HitView, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+hitColumns+` FROM hits h JOIN items i ON i.id = h.item_id
		WHERE h.found > ? ORDER BY h.found DESC, h.id DESC LIMIT ?`, fmtTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("hits since %s: %w", since, err)
	}
	defer rows.Close()
	var out []watch.HitView
	for rows.Next() {
		v, err := scanHit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}
