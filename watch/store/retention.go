package store

import (
	"context"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Classes says how long each kind of record is kept (docs/retention.md).
// A zero class is never pruned.
type Classes struct {
	Items       time.Duration // items, their search index and the timeline events that carry them
	Hits        time.Duration
	Seen        time.Duration // keys of items already seen
	Annotations time.Duration // officers' decisions, kept after their hit is gone
	Briefings   time.Duration // stored briefing versions
	Documents   time.Duration // the delivered briefing documents (files named by SHA-256)
	// Requests: tasking requests that ended (closed, declined or merged)
	// or were left as drafts, with their history and products, this long
	// after their last change. Requests still open are never pruned.
	Requests time.Duration
}

// Pruned counts what one retention run deleted, by class. Documents are
// the SHA-256 names of the briefing documents whose time is up: the
// caller removes the files.
type Pruned struct {
	Items, Hits, Events, Seen, Annotations, Briefings, Requests int64
	Documents                                                   []string
}

// Total is how many rows the run deleted.
func (p Pruned) Total() int64 {
	return p.Items + p.Hits + p.Events + p.Seen + p.Annotations + p.Briefings + p.Requests + int64(len(p.Documents))
}

// pruneChunk is how many rows one transaction deletes, so a large first
// run never holds the writer (and ingest) for long.
const pruneChunk = 2000

// Prune deletes every record older than its class, class by class, in
// transactions of at most pruneChunk rows; each transaction carries its
// own audit entry ("retention_delete", the class and the count), so what
// is gone is always accounted for.
func (s *Store) Prune(ctx context.Context, c Classes) (Pruned, error) {
	var p Pruned
	steps := []struct {
		class string
		keep  time.Duration
		count *int64
		sql   string // deletes up to ? rows older than ?
	}{
		{"events", c.Items, &p.Events, `DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE at < ?1 ORDER BY seq LIMIT ?2)`},
		{"hits", c.Hits, &p.Hits, `DELETE FROM hits WHERE id IN (SELECT id FROM hits WHERE found < ?1 ORDER BY id LIMIT ?2)`},
		{"items", c.Items, &p.Items, `DELETE FROM items WHERE id IN (SELECT id FROM items WHERE found < ?1 ORDER BY id LIMIT ?2)`},
		// seen is WITHOUT ROWID: its chunks go by key
		{"seen", c.Seen, &p.Seen, `DELETE FROM seen WHERE (source, key) IN (SELECT source, key FROM seen WHERE first_seen < ?1 LIMIT ?2)`},
		{"annotations", c.Annotations, &p.Annotations, `DELETE FROM annotations WHERE id IN (SELECT id FROM annotations WHERE at < ?1 ORDER BY id LIMIT ?2)`},
		{"briefings", c.Briefings, &p.Briefings, `DELETE FROM briefings WHERE id IN (SELECT id FROM briefings WHERE created < ?1 ORDER BY id LIMIT ?2)`},
		// a request's history and products go with it (see pruneClass)
		{"requests", c.Requests, &p.Requests, `DELETE FROM requests WHERE id IN (` + requestsDue + ` ORDER BY id LIMIT ?2)`},
	}
	for _, st := range steps {
		if st.keep <= 0 {
			continue
		}
		n, err := s.pruneClass(ctx, st.class, st.keep, st.sql)
		*st.count += n
		if st.class == "requests" && n > 0 {
			s.forgetDemand() // the demand figures are read again without them
		}
		if err != nil {
			return p, err
		}
	}
	if c.Documents > 0 {
		docs, err := s.pruneDocuments(ctx, c.Documents)
		p.Documents = docs
		if err != nil {
			return p, err
		}
	}
	err := s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `DELETE FROM polls WHERE at < ?`, fmtTime(t.now.Add(-7*24*time.Hour)))
		return err
	})
	if err != nil {
		return p, fmt.Errorf("prune polls: %w", err)
	}
	return p, nil
}

// requestsDue selects the requests past their class's cut (?1): ended or
// left as drafts, last changed before it.
const requestsDue = `SELECT id FROM requests WHERE updated < ?1 AND state IN ('closed', 'declined', 'merged', 'draft')`

// pruneClass deletes one class's old rows chunk by chunk.
func (s *Store) pruneClass(ctx context.Context, class string, keep time.Duration, query string) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.write(ctx, func(t *tx) error {
			cut := fmtTime(t.now.Add(-keep))
			if class == "requests" {
				// the same chunk of requests (ordered by id) loses its
				// history and products first: they refer to it
				for _, child := range []string{"request_history", "request_products"} {
					if _, err := t.ExecContext(ctx, `DELETE FROM `+child+` WHERE request_id IN (`+requestsDue+` ORDER BY id LIMIT ?2)`, cut, pruneChunk); err != nil {
						return err
					}
				}
			}
			res, err := t.ExecContext(ctx, query, cut, pruneChunk)
			if err != nil {
				return err
			}
			if n, _ = res.RowsAffected(); n == 0 {
				return nil
			}
			if class == "briefings" {
				if _, err := t.ExecContext(ctx, `DELETE FROM briefing_erasures WHERE briefing_id NOT IN (SELECT id FROM briefings)`); err != nil {
					return err
				}
			}
			return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "retention_delete", Target: class,
				Detail: fmt.Sprintf("class=%s older_than=%s rows=%d", class, keep, n)})
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("prune %s: %w", class, err)
		}
		if n < pruneChunk {
			return total, nil
		}
	}
}

// pruneDocuments forgets the briefing documents last delivered before the
// class's cut and returns their names for the caller to remove.
func (s *Store) pruneDocuments(ctx context.Context, keep time.Duration) ([]string, error) {
	var docs []string
	err := s.write(ctx, func(t *tx) error {
		docs = nil
		cut := fmtTime(t.now.Add(-keep))
		rows, err := t.QueryContext(ctx, `SELECT sha256 FROM briefing_documents WHERE last_created < ? ORDER BY sha256`, cut)
		if err != nil {
			return err
		}
		for rows.Next() {
			var sha string
			if err := rows.Scan(&sha); err != nil {
				rows.Close()
				return err
			}
			docs = append(docs, sha)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(docs) == 0 {
			return err
		}
		if _, err := t.ExecContext(ctx, `DELETE FROM briefing_documents WHERE last_created < ?`, cut); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "retention_delete", Target: "documents",
			Detail: fmt.Sprintf("class=documents older_than=%s rows=%d", keep, len(docs))})
	})
	if err != nil {
		return nil, fmt.Errorf("prune documents: %w", err)
	}
	return docs, nil
}

// DocumentKept reports whether a briefing document is still kept (its
// class has not removed it).
func (s *Store) DocumentKept(ctx context.Context, sha256 string) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM briefing_documents WHERE sha256 = ?`, sha256).Scan(&n)
	return n > 0, err
}

// Due is one class's state: how long it keeps, its oldest record, and how
// many records are past their time now (the next run removes them).
type Due struct {
	Class  string
	Keep   time.Duration
	Oldest time.Time // zero: none stored
	Rows   int64     // stored now
	Due    int64     // older than Keep
}

// RetentionDue reports each class's state, for the retention page.
func (s *Store) RetentionDue(ctx context.Context, c Classes) ([]Due, error) {
	now := s.now()
	classes := []struct {
		name string
		keep time.Duration
		tbl  string
		col  string
		due  string // what else makes a row due, beside its age
	}{
		{"items", c.Items, "items", "found", ""},
		{"hits", c.Hits, "hits", "found", ""},
		{"events", c.Items, "events", "at", ""},
		{"seen", c.Seen, "seen", "first_seen", ""},
		{"annotations", c.Annotations, "annotations", "at", ""},
		{"briefings", c.Briefings, "briefings", "created", ""},
		{"documents", c.Documents, "briefing_documents", "last_created", ""},
		{"requests", c.Requests, "requests", "updated", " AND state IN ('closed', 'declined', 'merged', 'draft')"},
	}
	var out []Due
	for _, k := range classes {
		d := Due{Class: k.name, Keep: k.keep}
		var oldest string
		q := fmt.Sprintf(`SELECT COUNT(*), COALESCE(MIN(%s), ''), COALESCE(SUM(%s < ?%s), 0) FROM %s`, k.col, k.col, k.due, k.tbl)
		cut := fmtTime(now.Add(-k.keep))
		if k.keep <= 0 {
			cut = "" // nothing is ever due
		}
		if err := s.r.QueryRowContext(ctx, q, cut).Scan(&d.Rows, &oldest, &d.Due); err != nil {
			return nil, fmt.Errorf("retention %s: %w", k.name, err)
		}
		if oldest != "" {
			d.Oldest = parseTime(oldest)
		}
		out = append(out, d)
	}
	return out, nil
}
