package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// TagEventDiscovery marks a watch list whose hits propose draft operations.
const TagEventDiscovery = "event discovery"

// proposeDrafts proposes a draft operation for each new calendar event
// (an ical item with a start that is not yet over) and for each new hit on
// an event-discovery list. A draft is keyed by its event: the title and
// start when known, else the item, so one event is proposed once however
// often, or from however many sources, it is seen.
func (a *App) proposeDrafts(ctx context.Context, it watch.Item, hits []watch.HitView, isNew bool) {
	if !isNew {
		return
	}
	now := a.now()
	if !it.EventStart.IsZero() && eventOver(it, now) {
		return // nothing to prepare for
	}
	var lists []string
	if a.sources[it.SourceID].Kind == "ical" && !it.EventStart.IsZero() {
		lists = append(lists, "")
	}
	for _, h := range hits {
		if a.isDiscovery(h.ListID) {
			lists = append(lists, h.ListID)
			break // one draft per item is enough
		}
	}
	if len(lists) == 0 {
		return
	}
	d := store.Draft{Fingerprint: draftFingerprint(it), Source: it.SourceID, List: lists[len(lists)-1], URL: it.URL,
		Title: it.Title, Text: it.Text, Location: it.Location, EventStart: it.EventStart, EventEnd: it.EventEnd}
	added, err := a.store.ProposeDraft(ctx, d)
	if err != nil {
		a.log.Error("propose draft operation", "source", it.SourceID, "err", err)
		return
	}
	if added {
		a.log.Info("draft operation proposed", "source", it.SourceID, "list", d.List)
	}
}

func eventOver(it watch.Item, now time.Time) bool {
	end := it.EventEnd
	if end.IsZero() {
		end = it.EventStart
	}
	return end.Before(now)
}

func (a *App) isDiscovery(list string) bool {
	e, ok := a.lists.Entry(list)
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
