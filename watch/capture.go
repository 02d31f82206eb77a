package watch

import "context"

// ListManual is the watch list an analyst's capture is recorded under when
// it matches no watch list: what an analyst chose to keep is evidence,
// shown on the "all" board, whatever the lists say.
const ListManual = "manual"

// Capture records one item an analyst captured (source "manual"): matched
// like any item, with its hits, or, when no list matches, one hit on
// ListManual. It reports false when the item was captured before.
func (p *Pipeline) Capture(ctx context.Context, it Item) (bool, []HitView, error) {
	it.Found = p.now().UTC()
	hits := p.match.Match(it)
	if len(hits) == 0 {
		hits = []Hit{{ListID: ListManual, Terms: []string{}, Spans: []Span{}, Operations: []string{}}}
	}
	rs, err := p.rec.RecordItems(ctx, []Finding{{Item: it, Hits: hits}}, nil)
	if err != nil {
		return false, nil, err
	}
	return rs[0].New, rs[0].Hits, nil
}
