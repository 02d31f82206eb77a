package watch

import (
	"slices"
	"sort"
	"time"
)

// Where an effective watch list comes from.
const (
	OriginConfig        = "config"         // the config file's list, as written there
	OriginConfigChanged = "config_changed" // the config file's list, changed in the web (a database override)
	OriginWeb           = "web"            // made in the web, kept in the database
)

// StoredList is a watch list kept in the database: one made in the web, or
// a web change to a config list (an override that wins over the config
// entry of the same id until it is reverted). List is stored whole, so a
// field added to WatchList is carried without a schema change.
type StoredList struct {
	List WatchList
	// Operations whose boards show this list's hits, beyond the operations
	// that name the list in the config file.
	Operations []string
	Disabled   bool
	Override   bool  // changes the config file's list of the same id
	Rev        int64 // bumped on every save; a save names the revision it changes
	CreatedBy  string
	Created    time.Time
	UpdatedBy  string
	Updated    time.Time
}

// ListEntry is one watch list as it is in force: the config file's, a
// web change to it, or one made in the web.
type ListEntry struct {
	StoredList
	Origin string     // OriginConfig, OriginConfigChanged or OriginWeb
	Config *WatchList // the config file's version, when Origin is OriginConfigChanged
	Broken error      // the list does not compile (it is left out of matching)
}

// Active reports whether the list takes part in matching.
func (e ListEntry) Active() bool { return !e.Disabled && e.Broken == nil }

// MergeLists is the set of watch lists in force: the config file's, in
// its order, each replaced by its database override when there is one,
// then the lists made in the web, by id. An override whose list has left
// the config file stays, as a web list.
func MergeLists(config []WatchList, stored []StoredList) []ListEntry {
	byID := make(map[string]StoredList, len(stored))
	for _, s := range stored {
		byID[s.List.ID] = s
	}
	out := make([]ListEntry, 0, len(config)+len(stored))
	inConfig := make(map[string]bool, len(config))
	for _, c := range config {
		inConfig[c.ID] = true
		if s, ok := byID[c.ID]; ok {
			c := c
			out = append(out, ListEntry{StoredList: s, Origin: OriginConfigChanged, Config: &c})
			continue
		}
		out = append(out, ListEntry{StoredList: StoredList{List: c}, Origin: OriginConfig})
	}
	var web []ListEntry
	for _, s := range stored {
		if !inConfig[s.List.ID] {
			web = append(web, ListEntry{StoredList: s, Origin: OriginWeb})
		}
	}
	sort.Slice(web, func(i, j int) bool { return web[i].List.ID < web[j].List.ID })
	return append(out, web...)
}

// LinkOperations returns ops with each operation's watch lists extended
// by the entries that name it.
func LinkOperations(ops []Operation, entries []ListEntry) []Operation {
	out := make([]Operation, len(ops))
	for i, op := range ops {
		op.WatchLists = slices.Clone(op.WatchLists)
		for _, e := range entries {
			if slices.Contains(e.Operations, op.ID) && !slices.Contains(op.WatchLists, e.List.ID) {
				op.WatchLists = append(op.WatchLists, e.List.ID)
			}
		}
		out[i] = op
	}
	return out
}
