package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// scheduledBy marks versions made by the schedule rather than a person.
const scheduledBy = "schedule"

// generateBriefing collects an operation's briefing, renders the document
// that is delivered and downloaded (self-contained, opens offline), keeps
// it on disk under its SHA-256 and stores the version.
func (a *App) generateBriefing(ctx context.Context, opID, by string) (store.Briefing, error) {
	if _, ok := a.reg.Get(opID); !ok {
		return store.Briefing{}, fmt.Errorf("no operation %q", opID)
	}
	var op watch.Operation
	for _, o := range a.lists.Operations() { // with the lists the web linked to it
		if o.ID == opID {
			op = o
		}
	}
	b, err := alerts.CollectBriefing(ctx, a.store, op, a.lists.Active(), a.sourceList, a.now(), by)
	if err != nil {
		return store.Briefing{}, err
	}
	doc, err := a.server.RenderBriefing(b, 0, true)
	if err != nil {
		return store.Briefing{}, err
	}
	sum := sha256.Sum256(doc)
	hash := hex.EncodeToString(sum[:])
	if err := writeBlob(a.blobDir, hash+".html", doc); err != nil {
		return store.Briefing{}, err
	}
	data, err := json.Marshal(b)
	if err != nil {
		return store.Briefing{}, err
	}
	sb, err := a.store.AddBriefing(ctx, store.Briefing{Operation: op.ID, Generator: by, SHA256: hash, Data: string(data)})
	if err != nil {
		return sb, err
	}
	a.log.Info("briefing generated", "operation", op.ID, "version", sb.Version, "by", by, "sha256", hash)
	a.notify.briefing(op, sb, doc)
	return sb, nil
}

// writeBlob writes a content-addressed file once, atomically.
func writeBlob(dir, name string, b []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return nil // the same content is there already
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// scheduledBriefings makes each operation's briefing once it is due and
// none was made by the schedule yet: the state comes from the clock and the
// store, nothing is remembered in between.
func (a *App) scheduledBriefings(ctx context.Context) {
	now := a.now()
	for _, op := range a.reg.All() {
		if !alerts.BriefingDue(op, op.Lead(), now) {
			continue
		}
		done, err := a.store.HasBriefingBy(ctx, op.ID, scheduledBy)
		if err != nil {
			a.log.Error("briefings", "err", err)
			return
		}
		if done {
			continue
		}
		if _, err := a.generateBriefing(ctx, op.ID, scheduledBy); err != nil {
			a.log.Error("scheduled briefing", "operation", op.ID, "err", err)
		}
	}
}
