// Package briefing makes an operation's pre-event briefing: it collects
// what the hub knows (Collect), renders the document, keeps
// it content-addressed on disk, stores each version (immutable) and
// delivers it to the operation's team. The schedule makes one version per
// operation from its lead time before the start.
package briefing

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/watch"
)

// ScheduledBy marks versions made by the schedule rather than a person.
const ScheduledBy = "schedule"

// Store is what briefings are collected from and kept in.
type Store interface {
	CollectStore
	AddBriefing(ctx context.Context, b watch.BriefingVersion) (watch.BriefingVersion, error)
	HasBriefingBy(ctx context.Context, operation, generator string) (bool, error)
}

// Renderer renders a briefing as a document; offline, one that opens from
// a file with no network.
type Renderer interface {
	RenderBriefing(b watch.Briefing, version int, offline bool) ([]byte, error)
}

// Operations are the operations in force and the watch lists they use.
type Operations interface {
	Get(id string) (watch.Operation, bool)
	All() []watch.Operation
}

// Lists are the watch lists in force, with the operations the web linked.
type Lists interface {
	Operations() []watch.Operation
	Active() []watch.WatchList
}

// Options are what a Service needs.
type Options struct {
	Store      Store
	Operations Operations
	Lists      Lists
	Sources    []watch.Source
	Render     Renderer
	Router     *notify.Router // nil: nothing is delivered
	BlobDir    string         // where documents are kept, named by SHA-256
	Logger     *slog.Logger
	Now        func() time.Time
}

// Service makes, keeps and delivers briefings.
type Service struct {
	o   Options
	log *slog.Logger
}

// New returns a briefing service. Render may be set later with SetRenderer
// (the console that renders also serves the service's versions).
func New(o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{o: o, log: o.Logger.With("component", "briefings")}
}

// SetRenderer sets the document renderer; call it before any Generate.
func (s *Service) SetRenderer(r Renderer) { s.o.Render = r }

// Generate collects an operation's briefing, renders the document that is
// delivered and downloaded (self-contained, opens offline), keeps it on
// disk under its SHA-256, stores the version and delivers it.
func (s *Service) Generate(ctx context.Context, opID, by string) (watch.BriefingVersion, error) {
	if _, ok := s.o.Operations.Get(opID); !ok {
		return watch.BriefingVersion{}, fmt.Errorf("no operation %q", opID)
	}
	var op watch.Operation
	for _, o := range s.o.Lists.Operations() { // with the lists the web linked to it
		if o.ID == opID {
			op = o
		}
	}
	b, err := Collect(ctx, s.o.Store, op, s.o.Lists.Active(), s.o.Sources, s.o.Now(), by)
	if err != nil {
		return watch.BriefingVersion{}, err
	}
	doc, err := s.o.Render.RenderBriefing(b, 0, true)
	if err != nil {
		return watch.BriefingVersion{}, err
	}
	sum := sha256.Sum256(doc)
	hash := hex.EncodeToString(sum[:])
	if err := writeBlob(s.o.BlobDir, hash+".html", doc); err != nil {
		return watch.BriefingVersion{}, err
	}
	sb, err := s.o.Store.AddBriefing(ctx, watch.BriefingVersion{Operation: op.ID, Generator: by, SHA256: hash, Doc: b})
	if err != nil {
		return sb, err
	}
	s.log.Info("briefing generated", "operation", op.ID, "version", sb.Version, "by", by, "sha256", hash)
	s.deliver(op, sb, doc)
	return sb, nil
}

// Scheduled makes each operation's briefing once it is due and none was
// made by the schedule yet: the state comes from the clock and the store,
// nothing is remembered in between.
func (s *Service) Scheduled(ctx context.Context) {
	now := s.o.Now()
	for _, op := range s.o.Operations.All() {
		if !Due(op, op.Lead(), now) {
			continue
		}
		done, err := s.o.Store.HasBriefingBy(ctx, op.ID, ScheduledBy)
		if err != nil {
			s.log.Error("briefings", "err", err)
			return
		}
		if done {
			continue
		}
		if _, err := s.Generate(ctx, op.ID, ScheduledBy); err != nil {
			s.log.Error("scheduled briefing", "operation", op.ID, "err", err)
		}
	}
}

// deliver sends a briefing version to the operation's team, and only to
// the notifiers the team names: the e-mail carries the offline document as
// an attachment, with its SHA-256 in the text; a webhook carries it in the
// signed JSON (base64, with its SHA-256), so the receiver needs no way back
// into the console and the signature covers the document too. A link to
// the version in the console comes with both.
func (s *Service) deliver(op watch.Operation, b watch.BriefingVersion, doc []byte) {
	if s.o.Router == nil {
		return
	}
	if _, ok := s.o.Router.Team(op.Team); !ok {
		return
	}
	msg := Message(op, b, doc, s.o.Router.BoardURL())
	msg.Record = fmt.Sprintf("briefing:%d operation=%s version=%d", b.ID, op.ID, b.Version)
	s.o.Router.ToTeam(op.Team, fmt.Sprintf("briefing %d", b.ID), msg)
}

// Message is the notification that carries a briefing version.
func Message(op watch.Operation, b watch.BriefingVersion, doc []byte, boardURL string) notify.Notification {
	link := fmt.Sprintf("%s/briefings/%d", boardURL, b.ID)
	name := fmt.Sprintf("briefing-%s-v%d.html", op.ID, b.Version)
	return notify.Notification{
		Kind:    notify.KindBriefing,
		Subject: fmt.Sprintf("Briefing: %s (version %d)", op.Name, b.Version),
		Text: fmt.Sprintf("A pre-event briefing for %s is ready.\n\nOperation: %s\nStarts: %s\nVersion: %d, made by %s\n%s\n"+
			"The briefing is attached as %s (%d bytes): open it in a browser; it needs no network.\n"+
			"SHA-256 of the attached document: %s\nCheck it before relying on the file: sha256sum %s\n\nIn the console: %s\n",
			op.Name, op.Name, op.Start.UTC().Format(time.RFC1123), b.Version, b.Generator, severityLines(b.Doc), name, len(doc), b.SHA256, name, link),
		JSON: map[string]any{"kind": "briefing", "operation": op.ID, "operation_name": op.Name, "version": b.Version,
			"generator": b.Generator, "sha256": b.SHA256, "link": link, "team": op.Team,
			"document": map[string]any{"filename": name, "content_type": "text/html; charset=utf-8", "size": len(doc),
				"sha256": b.SHA256, "base64": base64.StdEncoding.EncodeToString(doc)}},
		Attachments: []notify.Attachment{{Name: name, ContentType: "text/html; charset=utf-8", Data: doc}},
	}
}

// severityLines counts the briefing's key hits and open alerts by
// severity, most severe first, so the message says how urgent it is
// without carrying anything collected: "Key hits: 2 critical, 3 high".
func severityLines(d watch.Briefing) string {
	levels := []string{"critical", "high", "routine"}
	count := func(sevs []string) string {
		n := map[string]int{}
		for _, s := range sevs {
			if severityRank[s] == 0 {
				s = "routine"
			}
			n[s]++
		}
		var parts []string
		for _, l := range levels {
			if n[l] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n[l], l))
			}
		}
		return strings.Join(parts, ", ")
	}
	listSev := map[string]string{}
	for _, l := range d.WatchLists {
		listSev[l.ID] = l.Severity
	}
	var hits, open []string
	for _, h := range d.KeyHits {
		hits = append(hits, listSev[h.ListID])
	}
	for _, a := range d.Alerts {
		if a.State != "resolved" {
			open = append(open, a.Severity)
		}
	}
	var b strings.Builder
	if len(hits) > 0 {
		fmt.Fprintf(&b, "Key hits: %s\n", count(hits))
	}
	if len(open) > 0 {
		fmt.Fprintf(&b, "Open alerts: %s\n", count(open))
	}
	return b.String()
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
