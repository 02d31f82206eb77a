package live

import (
	"context"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// auditReplay records who was replayed which range of a board's timeline
// on connecting: one entry a connection, none when nothing was missed.
// Live pushes after it are not recorded one by one: the board's position
// at connect and its presence say who was following it.
func (h *Hub) auditReplay(ctx context.Context, pos Position, outs []outgoing) error {
	if h.opts.Audit == nil {
		return nil
	}
	var first, last int64
	n := 0
	for _, o := range outs {
		if o.seq == 0 {
			continue
		}
		if n == 0 {
			first = o.seq
		}
		last = o.seq
		n++
	}
	if n == 0 {
		return nil
	}
	return h.opts.Audit(ctx, watch.AuditEntry{Actor: pos.Viewer.Name, Action: "board_replay", Target: "board:" + pos.Board,
		Detail: fmt.Sprintf("after=%d seq=%d..%d events=%d", pos.After, first, last, n)})
}
