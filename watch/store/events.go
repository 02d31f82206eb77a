package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/watchroom/watchroom/watch"
)

// opsColumn encodes operation ids so a board filter is one substring test
// (",op1," in ",op1,op2,").
func opsColumn(ops []string) string {
	if len(ops) == 0 {
		return ","
	}
	return "," + strings.Join(ops, ",") + ","
}

func opsFromColumn(s string) []string {
	s = strings.Trim(s, ",")
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// appendEvent adds a timeline event inside the transaction.
func (t *tx) appendEvent(ctx context.Context, typ string, ops []string, data any) (watch.Event, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return watch.Event{}, fmt.Errorf("encode %s event: %w", typ, err)
	}
	res, err := t.exec(`INSERT INTO events(type, at, operations, data) VALUES(?,?,?,?)`, typ, fmtTime(t.now), opsColumn(ops), string(raw))
	if err != nil {
		return watch.Event{}, fmt.Errorf("append %s event: %w", typ, err)
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return watch.Event{}, err
	}
	ev := watch.Event{Seq: seq, Type: typ, At: t.now, Operations: ops, Data: raw}
	t.events = append(t.events, ev)
	return ev, nil
}

// boardFilter returns a WHERE fragment and its argument for a board. The
// id is found with instr, not LIKE: an id is text, and "_" or "%" in it
// must match only themselves (board x_y is not board xzy).
func boardFilter(board, opsCol string) (string, []any) {
	if board == watch.BoardAll || board == "" {
		return "1", nil
	}
	return `instr(` + opsCol + `, ?) > 0`, []any{"," + board + ","}
}

// eventFilter is the timeline's board filter (watch.Event.VisibleOn): a
// tasking board shows only the request events that name it; other boards
// never show request events.
func eventFilter(board string) (string, []any) {
	if watch.IsTaskingBoard(board) {
		return `type = '` + watch.EventRequest + `' AND instr(operations, ?) > 0`, []any{"," + board + ","}
	}
	where, args := boardFilter(board, "operations")
	return `type <> '` + watch.EventRequest + `' AND (type = 'source' OR ` + where + `)`, args
}

// EventsAfter returns up to limit events with seq > after that belong on
// the board, oldest first.
func (s *Store) EventsAfter(ctx context.Context, board string, after int64, limit int) ([]watch.Event, error) {
	where, args := eventFilter(board)
	q := `SELECT seq, type, at, operations, data FROM events WHERE seq > ? AND ` + where + ` ORDER BY seq LIMIT ?`
	rows, err := s.r.QueryContext(ctx, q, append(append([]any{after}, args...), limit)...)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", after, err)
	}
	return scanEvents(rows)
}

// scanEvents reads rows of seq, type, at, operations, data and closes them.
func scanEvents(rows *sql.Rows) ([]watch.Event, error) {
	defer rows.Close()
	var out []watch.Event
	for rows.Next() {
		var ev watch.Event
		var at, ops, data string
		if err := rows.Scan(&ev.Seq, &ev.Type, &at, &ops, &data); err != nil {
			return nil, err
		}
		ev.At, ev.Operations, ev.Data = parseTime(at), opsFromColumn(ops), json.RawMessage(data)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// Head returns the newest seq (0 when the timeline is empty).
func (s *Store) Head(ctx context.Context) (int64, error) {
	var head int64
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM events`).Scan(&head)
	return head, err
}

// Oldest returns the oldest seq still kept (0 when empty).
func (s *Store) Oldest(ctx context.Context) (int64, error) {
	var v int64
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(MIN(seq), 0) FROM events`).Scan(&v)
	return v, err
}
