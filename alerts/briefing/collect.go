package briefing

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// CollectStore is what a briefing is collected from.
type CollectStore interface {
	BoardSnapshot(ctx context.Context, board string, limit int) (watch.Snapshot, error)
	HitCounts(ctx context.Context, board string, from time.Time, width time.Duration) ([]watch.Bucket, error)
	AlertsOf(ctx context.Context, operation string, limit int) ([]watch.Alert, error)
	BriefingNoteOf(ctx context.Context, operation string) (watch.BriefingNote, error)
	SourceHealth(ctx context.Context, id string) (watch.SourceHealth, error)
}

var severityRank = map[string]int{"critical": 3, "high": 2, "routine": 1}

const keyHits = 10

// Collect gathers an operation's briefing at now.
func Collect(ctx context.Context, st CollectStore, op watch.Operation, lists []watch.WatchList, sources []watch.Source,
	now time.Time, generator string) (watch.Briefing, error) {
	b := watch.Briefing{Operation: op, Phase: op.PhaseAt(now), GeneratedAt: now.UTC(), Generator: generator}
	severity := map[string]string{}
	for _, l := range lists {
		severity[l.ID] = l.Severity
		for _, id := range op.WatchLists {
			if id == l.ID {
				b.WatchLists = append(b.WatchLists, l)
			}
		}
	}
	for _, s := range sources {
		if len(op.Sources) > 0 && !slices.Contains(op.Sources, s.ID) {
			continue
		}
		h, err := st.SourceHealth(ctx, s.ID)
		if err != nil {
			return b, err
		}
		b.Sources = append(b.Sources, watch.BriefingSource{ID: s.ID, Name: s.Name, Kind: s.Kind, State: h.State, LastSuccess: h.LastSuccess})
	}
	snap, err := st.BoardSnapshot(ctx, op.ID, 2000)
	if err != nil {
		return b, fmt.Errorf("briefing hits: %w", err)
	}
	b.HitCount = len(snap.Hits)
	terms, srcs := map[string]int{}, map[string]int{}
	for _, h := range snap.Hits {
		for _, t := range h.Terms {
			terms[watch.TermKey(t)]++
		}
		srcs[h.Item.SourceID]++
	}
	b.TopTerms, b.BySource = watch.TopCounts(terms, 10), watch.TopCounts(srcs, 10)
	// key hits: the most severe first, then the most annotated, then the newest
	hits := append([]watch.HitView(nil), snap.Hits...)
	sort.SliceStable(hits, func(i, j int) bool {
		si, sj := severityRank[severity[hits[i].ListID]], severityRank[severity[hits[j].ListID]]
		if si != sj {
			return si > sj
		}
		return len(hits[i].Annotations) > len(hits[j].Annotations)
	})
	if len(hits) > keyHits {
		hits = hits[:keyHits]
	}
	b.KeyHits = hits
	if b.OverTime, err = st.HitCounts(ctx, op.ID, now.Add(-48*time.Hour), time.Hour); err != nil {
		return b, fmt.Errorf("briefing counts: %w", err)
	}
	as, err := st.AlertsOf(ctx, op.ID, 50)
	if err != nil {
		return b, fmt.Errorf("briefing alerts: %w", err)
	}
	b.Alerts = append(b.Alerts, as...)
	if b.Note, err = st.BriefingNoteOf(ctx, op.ID); err != nil {
		return b, err
	}
	return b, nil
}

// Due reports whether an operation's scheduled briefing is due at
// now: from lead before its start until it starts. Derived from the clock;
// whether one was made already is the store's to say.
func Due(op watch.Operation, lead time.Duration, now time.Time) bool {
	return !now.Before(op.Start.Add(-lead)) && now.Before(op.Start)
}
