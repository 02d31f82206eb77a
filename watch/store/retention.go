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

// rowClass is a retention class pruned row by row: its table, the key a
// chunk is chosen by, the column that dates a row, and what else makes a
// row due. What refers to a chunk (children, by their foreign key) goes
// in the same transaction, first; tidy runs once a chunk is gone.
type rowClass struct {
	name, table, key, age string
	due                   string   // beside its age, what makes a row due ("" nothing)
	ordered               bool     // chunks in key order (seen is WITHOUT ROWID: any order is cheaper)
	children              []string // tables whose child_fk refers to the key
	childFK               string
	tidy                  string
	pruned                func(*Store) // after rows went, what the store keeps of them in memory
	keep                  func(Classes) time.Duration
	count                 func(*Pruned) *int64
}

// chunk selects up to ?2 keys of rows past the cut ?1.
func (k rowClass) chunk() string {
	q := `SELECT ` + k.key + ` FROM ` + k.table + ` WHERE ` + k.age + ` < ?1`
	if k.due != "" {
		q += ` AND ` + k.due
	}
	if k.ordered {
		q += ` ORDER BY ` + k.key
	}
	return q + ` LIMIT ?2`
}

// rowClasses in the order they are pruned: a timeline event and a hit go
// before the item they are of.
var rowClasses = []rowClass{
	{name: "events", table: "events", key: "seq", age: "at", ordered: true,
		keep: func(c Classes) time.Duration { return c.Items }, count: func(p *Pruned) *int64 { return &p.Events }},
	{name: "hits", table: "hits", key: "id", age: "found", ordered: true,
		keep: func(c Classes) time.Duration { return c.Hits }, count: func(p *Pruned) *int64 { return &p.Hits }},
	{name: "items", table: "items", key: "id", age: "found", ordered: true,
		keep: func(c Classes) time.Duration { return c.Items }, count: func(p *Pruned) *int64 { return &p.Items }},
	{name: "seen", table: "seen", key: "source, key", age: "first_seen",
		keep: func(c Classes) time.Duration { return c.Seen }, count: func(p *Pruned) *int64 { return &p.Seen }},
	{name: "annotations", table: "annotations", key: "id", age: "at", ordered: true,
		keep: func(c Classes) time.Duration { return c.Annotations }, count: func(p *Pruned) *int64 { return &p.Annotations }},
	{name: "briefings", table: "briefings", key: "id", age: "created", ordered: true,
		tidy: `DELETE FROM briefing_erasures WHERE briefing_id NOT IN (SELECT id FROM briefings)`,
		keep: func(c Classes) time.Duration { return c.Briefings }, count: func(p *Pruned) *int64 { return &p.Briefings }},
	// ended or left as drafts; a request's history and products go with it
	{name: "requests", table: "requests", key: "id", age: "updated", ordered: true,
		due:      `state IN ('closed', 'declined', 'merged', 'draft')`,
		children: []string{"request_history", "request_products"}, childFK: "request_id",
		pruned: (*Store).forgetDemand, // the demand figures are read again without them
		keep:   func(c Classes) time.Duration { return c.Requests }, count: func(p *Pruned) *int64 { return &p.Requests }},
}

// Prune deletes every record older than its class, class by class, in
// transactions of at most pruneChunk rows; each transaction carries its
// own audit entry ("retention_delete", the class and the count), so what
// is gone is always accounted for.
func (s *Store) Prune(ctx context.Context, c Classes) (Pruned, error) {
	var p Pruned
	for _, k := range rowClasses {
		keep := k.keep(c)
		if keep <= 0 {
			continue
		}
		n, err := s.pruneClass(ctx, k, keep)
		*k.count(&p) += n
		if n > 0 && k.pruned != nil {
			k.pruned(s)
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

// pruneClass deletes one class's old rows chunk by chunk.
func (s *Store) pruneClass(ctx context.Context, k rowClass, keep time.Duration) (int64, error) {
	chunk := k.chunk()
	var total int64
	for {
		var n int64
		err := s.write(ctx, func(t *tx) error {
			cut := fmtTime(t.now.Add(-keep))
			// the chunk is chosen the same way each time within the
			// transaction, so its children are those of the rows deleted
			for _, child := range k.children {
				if _, err := t.ExecContext(ctx, `DELETE FROM `+child+` WHERE `+k.childFK+` IN (`+chunk+`)`, cut, pruneChunk); err != nil {
					return err
				}
			}
			res, err := t.ExecContext(ctx, `DELETE FROM `+k.table+` WHERE (`+k.key+`) IN (`+chunk+`)`, cut, pruneChunk)
			if err != nil {
				return err
			}
			if n, _ = res.RowsAffected(); n == 0 {
				return nil
			}
			if k.tidy != "" {
				if _, err := t.ExecContext(ctx, k.tidy); err != nil {
					return err
				}
			}
			return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "retention_delete", Target: k.name,
				Detail: fmt.Sprintf("class=%s older_than=%s rows=%d", k.name, keep, n)})
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("prune %s: %w", k.name, err)
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

// dueOrder is the order the retention page lists the classes in.
var dueOrder = []string{"items", "hits", "events", "seen", "annotations", "briefings", "documents", "requests"}

// RetentionDue reports each class's state, for the retention page.
func (s *Store) RetentionDue(ctx context.Context, c Classes) ([]Due, error) {
	now := s.now()
	classes := map[string]rowClass{}
	for _, k := range rowClasses {
		classes[k.name] = k
	}
	// documents are pruned by a step of their own (their files go too)
	classes["documents"] = rowClass{name: "documents", table: "briefing_documents", age: "last_created",
		keep: func(c Classes) time.Duration { return c.Documents }}
	var out []Due
	for _, name := range dueOrder {
		k := classes[name]
		d := Due{Class: k.name, Keep: k.keep(c)}
		due := ""
		if k.due != "" {
			due = " AND " + k.due
		}
		var oldest string
		q := fmt.Sprintf(`SELECT COUNT(*), COALESCE(MIN(%s), ''), COALESCE(SUM(%s < ?%s), 0) FROM %s`, k.age, k.age, due, k.table)
		cut := fmtTime(now.Add(-d.Keep))
		if d.Keep <= 0 {
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
