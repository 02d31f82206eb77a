// Package drafts proposes draft operations from what the watchers find: a
// new calendar event not yet over, or a new hit on a watch list tagged
// "event discovery". An analyst accepts (opening the operation form,
// prefilled) or dismisses each; a decided draft is never proposed again.
package drafts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Store keeps proposed drafts, unique by fingerprint.
type Store interface {
	ProposeDraft(ctx context.Context, d watch.Draft) (bool, error)
}

// Lists are the watch lists in force.
type Lists interface {
	Entry(id string) (watch.ListEntry, bool)
}

// Options are what a Proposer needs.
type Options struct {
	Store   Store
	Lists   Lists
	Sources []watch.Source
	Logger  *slog.Logger
	Now     func() time.Time
}

// Proposer proposes drafts; its OnItem is the pipeline's
// watch.PipelineOptions.OnItem.
type Proposer struct {
	o     Options
	kinds map[string]string // source id to kind
	log   *slog.Logger
}

// New returns a proposer.
func New(o Options) *Proposer {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	p := &Proposer{o: o, kinds: map[string]string{}, log: o.Logger.With("component", "drafts")}
	for _, s := range o.Sources {
		p.kinds[s.ID] = s.Kind
	}
	return p
}

// TagEventDiscovery marks a watch list whose hits propose draft operations.
const TagEventDiscovery = "event discovery"

// OnItem proposes a draft operation for each new calendar event
// (an ical item with a start that is not yet over) and for each new hit on
// an event-discovery list. A draft is keyed by its event: the title and
// start when known, else the item, so one event is proposed once however
// often, or from however many sources, it is seen.
func (p *Proposer) OnItem(ctx context.Context, it watch.Item, hits []watch.HitView, isNew bool) {
	if !isNew {
		return
	}
	now := p.o.Now()
	if !it.EventStart.IsZero() && eventOver(it, now) {
		return // nothing to prepare for
	}
	var lists []string
	if p.kinds[it.SourceID] == "ical" && !it.EventStart.IsZero() {
		lists = append(lists, "")
	}
	for _, h := range hits {
		if p.isDiscovery(h.ListID) {
			lists = append(lists, h.ListID)
			break // one draft per item is enough
		}
	}
	if len(lists) == 0 {
		return
	}
	d := watch.Draft{Fingerprint: draftFingerprint(it), Source: it.SourceID, List: lists[len(lists)-1], URL: it.URL,
		Title: it.Title, Text: it.Text, Location: it.Location, EventStart: it.EventStart, EventEnd: it.EventEnd}
	added, err := p.o.Store.ProposeDraft(ctx, d)
	if err != nil {
		p.log.Error("propose draft operation", "source", it.SourceID, "err", err)
		return
	}
	if added {
		p.log.Info("draft operation proposed", "source", it.SourceID, "list", d.List)
	}
}

func eventOver(it watch.Item, now time.Time) bool {
	end := it.EventEnd
	if end.IsZero() {
		end = it.EventStart
	}
	return end.Before(now)
}

func (p *Proposer) isDiscovery(list string) bool {
	e, ok := p.o.Lists.Entry(list)
	return ok && e.Active() && slices.Contains(e.List.Tags, TagEventDiscovery)
}

func draftFingerprint(it watch.Item) string {
	key := "item\x00" + it.SourceID + "\x00" + it.Key
	if !it.EventStart.IsZero() {
		key = "event\x00" + strings.ToLower(strings.Join(strings.Fields(it.Title), " ")) + "\x00" + it.EventStart.UTC().Format(time.RFC3339)
	}
	s := sha256.Sum256([]byte(key))
	return hex.EncodeToString(s[:16])
}
