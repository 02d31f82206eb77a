package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/watchroom/watchroom/watch/tasking"
)

// The demand figures' rows (docs/tasking.md): the requests as the demand
// page counts them, kept in memory and brought up to date by rev.

// demandCache keeps the demand rows in memory: each read fetches only the
// requests written since the last (by rev) and updates them in place, so
// the demand page neither reads nor copies every request every time.
type demandCache struct {
	mu     sync.RWMutex // readers compute under RLock; a refresh takes Lock
	rev    int64
	rows   []tasking.Row
	index  map[int64]int
	intern map[string]string // one string per label: equal labels compare at once
}

func (c *demandCache) str(s string) string {
	if v, ok := c.intern[s]; ok {
		return v
	}
	if c.intern == nil {
		c.intern = map[string]string{}
	}
	if len(c.intern) < 10000 { // labels are few; free text never comes here
		c.intern[s] = s
	}
	return s
}

// DemandRows calls fn with every request but drafts as the demand figures
// read them. fn must not keep or change the rows: they are the store's,
// and are updated in place once fn returns.
func (s *Store) DemandRows(ctx context.Context, fn func([]tasking.Row)) error {
	c := &s.demand
	var top int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(rev), 0) FROM requests`).Scan(&top); err != nil {
		return fmt.Errorf("demand rows: %w", err)
	}
	c.mu.RLock()
	fresh := top <= c.rev
	c.mu.RUnlock()
	if !fresh {
		if err := s.refreshDemand(ctx, top); err != nil {
			return err
		}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	fn(c.rows)
	return nil
}

// forgetDemand drops the demand rows kept in memory (requests were
// removed): the next read loads them all again.
func (s *Store) forgetDemand() {
	c := &s.demand
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rev, c.rows, c.index = 0, nil, nil
}

func (s *Store) refreshDemand(ctx context.Context, top int64) error {
	c := &s.demand
	c.mu.Lock()
	defer c.mu.Unlock()
	if top <= c.rev {
		return nil // another reader refreshed meanwhile
	}
	changed, err := s.demandRows(ctx, `rev > ? AND rev <= ?`, c.rev, top)
	if err != nil {
		return err
	}
	if c.index == nil {
		c.index = map[int64]int{}
	}
	for _, r := range changed {
		if r.State == tasking.StateDraft {
			continue // a request never goes back to draft, so none is kept
		}
		r.Type, r.Team, r.DeclineReason, r.Grading = c.str(r.Type), c.str(r.Team), c.str(r.DeclineReason), c.str(r.Grading)
		r.Urgency, r.State = tasking.Urgency(c.str(string(r.Urgency))), tasking.State(c.str(string(r.State)))
		if i, ok := c.index[r.ID]; ok {
			c.rows[i] = r
			continue
		}
		c.index[r.ID] = len(c.rows)
		c.rows = append(c.rows, r)
	}
	c.rev = top
	return nil
}

// OpenRequestRows returns the requests in the backlog (submitted, waiting
// for an answer, in work), for the service levels.
func (s *Store) OpenRequestRows(ctx context.Context) ([]tasking.Row, error) {
	return s.demandRows(ctx, `state IN ('submitted','info_requested','accepted')`)
}

func (s *Store) demandRows(ctx context.Context, where string, args ...any) ([]tasking.Row, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, type, team, urgency, state, submitted, triaged, accepted, completed, due, spans,
		reopened, decline_reason, products, intelligence, delivered, grading FROM requests WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("demand rows: %w", err)
	}
	defer rows.Close()
	var out []tasking.Row
	for rows.Next() {
		var r tasking.Row
		var urg, state, spans, products string
		var sub, tri, acc, comp, due int64
		if err := rows.Scan(&r.ID, &r.Type, &r.Team, &urg, &state, &sub, &tri, &acc, &comp, &due, &spans, &r.Reopened,
			&r.DeclineReason, &products, &r.Intelligence, &r.Delivered, &r.Grading); err != nil {
			return nil, err
		}
		r.Urgency, r.State = tasking.Urgency(urg), tasking.State(state)
		r.Submitted, r.Triaged, r.Accepted, r.Completed, r.Due = fromNanos(sub), fromNanos(tri), fromNanos(acc), fromNanos(comp), fromNanos(due)
		r.Spans, r.Products = spansFromColumn(spans), productsFromColumn(products)
		out = append(out, r)
	}
	return out, rows.Err()
}
