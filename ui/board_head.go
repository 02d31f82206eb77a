package ui

import (
	"time"

	"github.com/watchroom/watchroom/watch"
)

// boardHead is what a board's header says of its operation: where, when,
// the phase now, and the times the page counts down to.
type boardHead struct {
	Operation bool // false on the all board
	Place     string
	Phase     string
	Start     string // RFC 3339, for the countdown
	End       string
	StartText string // in the console's time zone
	EndText   string
	Team      string
}

func (s *Server) boardHead(id string) boardHead {
	op, ok := s.reg.Get(id)
	if id == watch.BoardAll || !ok {
		return boardHead{}
	}
	const layout = "Mon 2 Jan 15:04"
	return boardHead{
		Operation: true, Place: op.Place, Phase: string(op.PhaseAt(s.opts.Now())), Team: op.Team,
		Start: op.Start.UTC().Format(time.RFC3339), End: op.End.UTC().Format(time.RFC3339),
		StartText: op.Start.In(s.opts.Location).Format(layout), EndText: op.End.In(s.opts.Location).Format(layout),
	}
}
