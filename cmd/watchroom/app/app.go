package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/alerts/briefing"
	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/drafts"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/operations"
	"github.com/watchroom/watchroom/watch/referrals"
	"github.com/watchroom/watchroom/watch/schedule"
	"github.com/watchroom/watchroom/watch/source"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

// App is every component of a running console, wired from one config:
// New wires it, Start runs it, Stop undoes both, last step first.
type App struct {
	cfg       *config.File
	log       *slog.Logger
	store     *store.Store
	hub       *live.Hub
	pipeline  *watch.Pipeline
	sched     *schedule.Scheduler
	server    *ui.Server
	alerts    *alerts.Service
	surge     *schedule.Surge
	notify    *notify.Router
	briefings *briefing.Service
	backoff   *backoffs
	evidence  *evidence.Service
	referrals *referrals.Service
	anchor    *checkpointer // signs the audit log's head (checkpoints)

	reg         *watch.Registry    // the operations in force: the config file's and the console's
	ops         *operations.Editor // checks, stores and puts in force the console's changes
	teams       []string
	tasking     tasking.Config // request types, teams and service levels
	lists       *watch.Lists   // the watch lists in force: the config file's and the database's
	sourceList  []watch.Source
	blobDir     string
	now         func() time.Time
	sources     map[string]watch.Source
	started     atomic.Bool
	unscheduled bool

	mu       sync.Mutex
	cleanups []cleanup // what Stop undoes, last first
	undone   func(string)
}

// cleanup is one step of the stack Stop (or a failed New) unwinds.
type cleanup struct {
	what string
	run  func(context.Context) error
}

// Options are what New takes besides the config.
type Options struct {
	Now      func() time.Time
	Demo     string // sign-in hint shown in demo mode
	ConfigID string // what was loaded, for the audit log
	Registry *prometheus.Registry
	Getenv   func(string) string // secrets of notifiers; default os.Getenv
	Live     live.Options        // websocket hub tuning; zero fields take the hub's defaults (Now is o.Now)
	// Unscheduled: Start runs the alert loop only, no schedules and no
	// first polls (benchmarks and tests drive the work themselves).
	Unscheduled bool
	// Committed, if set, is told of each batch of timeline events as it is
	// committed, before they are published (benchmarks: latency from commit).
	Committed func([]watch.Event)

	undone func(step string) // tests: told of each cleanup step as it runs
}

// Domain converts config entries to domain types; only cmd knows both.
func Domain(f *config.File) ([]watch.Source, []watch.WatchList, []watch.Operation) {
	var srcs []watch.Source
	for _, s := range f.Sources {
		srcs = append(srcs, watch.Source{ID: s.ID, Name: s.Name, Kind: s.Kind, URL: s.URL, Schedule: s.Schedule, Options: s.Options})
	}
	var lists []watch.WatchList
	for _, l := range f.WatchLists {
		lists = append(lists, watch.WatchList{ID: l.ID, Name: l.Name, Terms: l.Terms, Sources: l.Sources, Severity: l.Severity, Query: l.Query, Tags: l.Tags})
	}
	var ops []watch.Operation
	for _, o := range f.Operations {
		op := watch.Operation{ID: o.ID, Name: o.Name, Start: o.Start, End: o.End, WatchLists: o.WatchLists,
			Sources: o.Sources, Kind: o.Kind, Place: o.Place, Terms: o.Terms, Risk: o.Risk, Team: o.Team,
			RadiusM: o.RadiusM, Context: o.Context, BriefingLead: o.BriefingLead, Origin: watch.OriginConfig}
		if o.HasPoint {
			op.Point = &watch.GeoPoint{Lat: o.Lat, Lon: o.Lon}
		}
		for ph, d := range o.Cadence {
			if op.Cadence == nil {
				op.Cadence = map[watch.Phase]time.Duration{}
			}
			op.Cadence[watch.Phase(ph)] = d
		}
		ops = append(ops, op)
	}
	return srcs, lists, ops
}

// New wires every component from one config. Nothing runs yet: Start
// runs the schedules. A failure undoes exactly what was done, in reverse.
func New(ctx context.Context, f *config.File, logger *slog.Logger, o Options) (_ *App, err error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	a := &App{cfg: f, log: logger, sources: map[string]watch.Source{}, now: o.Now, unscheduled: o.Unscheduled, undone: o.undone}
	defer func() {
		if err != nil {
			_ = a.undo(context.Background())
		}
	}()
	if err := os.MkdirAll(f.Server.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(f.Server.DataDir, "watchroom.db"), logger, store.Options{Now: o.Now})
	if err != nil {
		return nil, err
	}
	a.store = st
	a.onStop("store", func(context.Context) error { return st.Close() })
	if err := st.Audit(ctx, watch.AuditEntry{Actor: "system", Action: "config_load", Target: "config", Detail: o.ConfigID}); err != nil {
		return nil, err
	}
	if a.anchor, err = newCheckpointer(f, st); err != nil {
		return nil, err
	}
	// the last checkpoint is written once everything else has stopped
	a.onStop("audit checkpoint", func(ctx context.Context) error { _, err := a.anchor.write(ctx); return err })
	srcs, lists, ops := Domain(f)
	for _, s := range srcs {
		a.sources[s.ID] = s
	}
	a.sourceList = srcs
	a.blobDir = filepath.Join(f.Server.DataDir, "blobs")
	for _, t := range f.Teams {
		a.teams = append(a.teams, t.Name)
	}
	// the lists first: stored operations are checked against them
	a.lists = watch.NewLists(lists, ops, st, nil, logger, o.Now)
	if err := a.lists.Load(ctx); err != nil {
		return nil, err
	}
	a.onStop("watch lists", func(context.Context) error { a.lists.Close(); return nil })
	a.ops = operations.NewEditor(operations.Options{Store: st, Lists: a.lists, Config: ops, Sources: srcs, Teams: a.teams, Logger: logger})
	// the lists, alerts and surge take these in followOperations
	if a.reg, ops, err = a.ops.Load(ctx); err != nil {
		return nil, err
	}
	client, err := fetch.New(fetch.Options{Timeout: f.Fetch.Timeout, ConnectTimeout: f.Fetch.ConnectTimeout,
		MaxBody: f.Fetch.MaxBodyBytes, UserAgent: f.Fetch.UserAgent, Allow: f.Fetch.AllowPrivate,
		PerHostConcurrency: f.Fetch.PerHost.Concurrency, PerHostRate: rate.Limit(f.Fetch.PerHost.Rate),
		PerHostBurst: f.Fetch.PerHost.Burst, Hosts: hostLimits(f.Fetch.Hosts)})
	if err != nil {
		return nil, err
	}
	ev, gate, err := newEvidence(f, st, client, logger, o.Now)
	if err != nil {
		return nil, err
	}
	a.evidence = ev
	a.onStop("evidence renderings", gate.close)
	if a.referrals, err = a.newReferrals(f, client); err != nil {
		return nil, err
	}
	m := newMetrics(o.Registry)
	hubOpts := o.Live
	hubOpts.Now = o.Now
	hubOpts.Audit = st.Audit
	if hubOpts.ClaimTTL == 0 {
		hubOpts.ClaimTTL = f.Server.ClaimTimeout
	}
	a.hub = live.NewHub(st, logger, hubOpts)
	a.onStop("board connections", a.hub.Shutdown)
	m.watchHub(o.Registry, a.hub)
	if a.notify, err = newRouter(f, o.Getenv, logger, a.disclosed); err != nil {
		return nil, err
	}
	a.onStop("notifications", a.notify.Shutdown)
	if a.alerts, err = newAlerts(f, a.lists, a.reg, st, logger, o.Now, a.notify); err != nil {
		return nil, err
	}
	m.watchAlerts(o.Registry, a.alerts)
	if a.tasking, err = taskingConfig(f); err != nil {
		return nil, err
	}
	if err := a.seedOverdue(ctx); err != nil {
		return nil, err
	}
	st.SetPublisher(func(evs []watch.Event) {
		if o.Committed != nil {
			o.Committed(evs)
		}
		a.hub.Publish(evs)
		a.alerts.Observe(evs)
	})
	a.backoff = newBackoffs(o.Now)
	a.pipeline = watch.NewPipeline(source.NewPollerWith(client, source.PollerOptions{Now: o.Now, Logger: logger}), a.lists.Matcher(), st, logger,
		watch.PipelineOptions{Now: o.Now, OnPoll: a.polled(m),
			OnItem: drafts.New(drafts.Options{Store: st, Lists: a.lists, Sources: srcs, Logger: logger, Now: o.Now}).OnItem})
	a.onStop("polls", a.pipeline.Close)
	a.briefings = briefing.New(briefing.Options{Store: st, Operations: a.reg, Lists: a.lists, Sources: srcs,
		Router: a.notify, BlobDir: a.blobDir, Logger: logger, Now: o.Now})
	a.sched = schedule.New(logger, f.Server.Location)
	a.surge = schedule.NewSurge(ops, nil)
	if err := a.schedule(srcs); err != nil {
		return nil, err
	}
	hooks, err := webhookSources(srcs, o.Getenv)
	if err != nil {
		return nil, err
	}
	a.server, err = ui.New(ui.Options{
		Store: st, Hub: a.hub, Logger: logger, Operations: ops, Registry: a.reg, Teams: a.teams, OperationEditor: a.ops,
		Sources: srcs, WatchLists: lists, Lists: a.lists,
		Secure: f.Server.TLSCert != "" || f.Server.TLSProxy != "", HSTS: f.Server.TLSCert != "", AllowedOrigins: origins(f), SessionTTL: f.Server.SessionTTL,
		Location: f.Server.Location, Demo: o.Demo, Now: o.Now, Metrics: o.Registry,
		Ready:          a.ready,
		PollNow:        a.pollNow,
		Alerts:         a.alerts,
		Cadence:        a.cadence,
		Briefings:      a.briefings.Generate,
		BlobDir:        a.blobDir,
		Webhooks:       hooks,
		Record:         a.pipeline.Record,
		Capture:        capturer{client: client, pipe: a.pipeline, now: o.Now},
		Referrals:      a.referrals,
		Evidence:       ev,
		Map:            ui.MapOptions{Tiles: f.UI.MapTiles, Attribution: f.UI.MapAttribution},
		Wall:           ui.WallOptions{Rotate: f.UI.WallRotate},
		Tasking:        &a.tasking,
		TrustedProxies: f.Server.TrustedProxies,
		SessionIdle:    f.Server.SessionIdle, SessionIdleByRole: idleByRole(f.Server.SessionIdleByRole),
		Retention: retentionClasses(f.Retention),
	})
	if err != nil {
		return nil, err
	}
	a.briefings.SetRenderer(a.server)
	a.followOperations()
	return a, nil
}

// schedule adds a cron job for every polled source and the console's own
// periodic work.
func (a *App) schedule(srcs []watch.Source) error {
	spread := schedule.Spread(srcs) // sources of one host do not fire together
	for _, s := range srcs {
		s := s
		if source.Pushed(s.Kind) {
			continue
		}
		if err := a.sched.AddSourceAt(s.ID, s.Schedule, spread[s.ID], a.surge, a.backoff.until, func(ctx context.Context) { _ = a.pipeline.Poll(ctx, s) }); err != nil {
			return err
		}
	}
	jobs := []struct {
		name, spec string
		run        func(context.Context)
	}{
		{"alerts", "@every 15s", func(ctx context.Context) {
			if err := a.alerts.Tick(ctx); err != nil {
				a.log.Error("alerts tick", "err", err)
			}
		}},
		// soft claims lapse on the hub's clock; this only looks at them
		{"claims", "@every 5s", func(ctx context.Context) { a.hub.ExpireClaims(ctx) }},
		{"briefings", "@every 1m", a.briefings.Scheduled},
		// retention: collected content is kept only as long as the config says
		{"retention", "@every 1h", a.prune},
		// live boards of sessions ended, revoked or changed elsewhere (the
		// command line) are closed within seconds
		{"ended sessions", "@every 10s", func(ctx context.Context) { a.server.CloseEndedSessions(ctx) }},
		// removal checks of referred content: a GET of each pending referral's URL
		{"referral checks", a.cfg.Referrals.Check, a.checkReferrals},
		// evidence: old captures that are no exhibit go; exhibits due for review are logged
		{"evidence retention", "@every 1h", a.pruneEvidence},
		// requests past their service level raise alerts
		{"tasking", "@every 1m", a.feedOverdue},
	}
	for _, j := range jobs {
		if err := a.sched.Add(j.name, j.spec, j.run); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) prune(ctx context.Context) {
	p, err := a.store.Prune(ctx, retentionClasses(a.cfg.Retention))
	for _, sha := range p.Documents {
		// the store has forgotten the document; its file goes too
		if rerr := os.Remove(filepath.Join(a.blobDir, sha+".html")); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			a.log.Warn("retention: briefing document not removed", "sha256", sha, "err", rerr)
		}
	}
	if err != nil {
		a.log.Error("retention", "err", err)
		return
	}
	if p.Total() > 0 {
		a.log.Info("retention", "items", p.Items, "hits", p.Hits, "events", p.Events, "seen", p.Seen,
			"annotations", p.Annotations, "briefings", p.Briefings, "documents", len(p.Documents))
	}
	ap, err := a.store.PruneAudit(ctx, a.cfg.Retention.Audit)
	if err != nil {
		a.log.Error("audit retention", "err", err)
		return
	}
	if ap.Rows > 0 {
		// a signed checkpoint at once, so the file out of the owner's reach
		// holds the log as it is after the removal
		a.checkpoint(ctx)
		a.log.Info("audit retention", "rows", ap.Rows, "through_row", ap.ThroughID)
	}
}

// retentionClasses turns the config's retention section into the store's.
func retentionClasses(r config.Retention) store.Classes {
	return store.Classes{Items: r.Items, Hits: r.Hits, Seen: r.Seen, Annotations: r.Annotations,
		Briefings: r.Briefings, Documents: r.Documents, Requests: r.Requests}
}

// followOperations makes the watch lists (and so the matcher), the alert
// engine and the surge scheduler follow the registry.
func (a *App) followOperations() {
	a.reg.Subscribe(func(ops []watch.Operation) {
		a.lists.SetOperations(ops)
		if err := a.alerts.SetOperations(ops); err != nil {
			a.log.Error("alert engine: operations", "err", err)
		}
		a.surge.SetOperations(ops)
		for id := range a.sources {
			a.sched.Reschedule(id) // a new phase may tighten the cadence now
		}
	})
}

// cadence tells the source health board how often a source is polled now,
// why, and when next.
func (a *App) cadence(id string, now time.Time) (string, string, time.Time) {
	src := a.sources[id]
	if source.Pushed(src.Kind) {
		return "pushed by its sender, not polled", "a webhook source", time.Time{}
	}
	d, why := a.surge.Cadence(id, now)
	every, why := schedule.Describe(src.Schedule, d, why, now)
	return every, why, a.sched.Next(id)
}

func origins(f *config.File) []string {
	if f.Server.BaseURL == "" {
		return nil
	}
	return []string{f.Server.BaseURL}
}

func (a *App) ready(context.Context) error {
	if !a.started.Load() {
		return errors.New("scheduler not started")
	}
	return nil
}

func (a *App) pollNow(ctx context.Context, id string) error {
	s, ok := a.sources[id]
	if !ok {
		return fmt.Errorf("no source %q", id)
	}
	if source.Pushed(s.Kind) {
		return fmt.Errorf("source %s is pushed to by a tool; it is not polled", id)
	}
	return a.pipeline.PollNow(ctx, s)
}

// Start runs the alert loop, the schedules and a first poll of every
// polled source. Stop undoes it.
func (a *App) Start(ctx context.Context) error {
	a.startAlerts()
	a.startCheckpoints()
	if a.unscheduled {
		return nil
	}
	// One poll of each source now; its schedule resumes half an interval
	// later, not at a slot that may come seconds after this poll.
	now := a.now()
	for id, s := range a.sources {
		if !source.Pushed(s.Kind) {
			d, _ := a.surge.Cadence(id, now)
			a.backoff.startedAt(id, now.Add(schedule.Effective(schedule.Interval(s.Schedule, now), d)/2))
		}
	}
	a.sched.Start()
	a.onStop("schedules", func(ctx context.Context) error { a.sched.Stop(ctx); return nil })
	a.started.Store(true)
	for _, s := range a.sources {
		s := s
		if source.Pushed(s.Kind) {
			continue
		}
		_ = a.pipeline.Go(ctx, s)
	}
	return nil
}

// polled takes a finished poll: its metrics, and its backoff. A failure
// holds the source back from now, so its schedule works out its next run
// again: the run it computed when this poll started knew nothing of it, and
// a Retry-After would otherwise hold back only the poll after next.
func (a *App) polled(m *metrics) func(watch.PollReport) {
	return func(r watch.PollReport) {
		m.observePoll(r)
		if a.backoff.note(r) {
			a.sched.Reschedule(r.Source)
		}
	}
}

// startAlerts starts evaluating the timeline for alerts. The loop is
// waited for at Stop, so a change it is recording or notifying is
// finished before the store closes.
func (a *App) startAlerts() {
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.alerts.Run(runCtx)
	}()
	a.onStop("alert loop", func(context.Context) error { cancel(); <-done; return nil })
}

// Stop stops everything New and Start began, last first, and reports the
// first failure.
func (a *App) Stop(ctx context.Context) error {
	a.started.Store(false)
	return a.undo(ctx)
}

// onStop pushes a step on the cleanup stack.
func (a *App) onStop(what string, f func(context.Context) error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.cleanups = append(a.cleanups, cleanup{what, f})
}

// undo runs the cleanup stack, last in first out, once.
func (a *App) undo(ctx context.Context) error {
	a.mu.Lock()
	steps := a.cleanups
	a.cleanups = nil
	a.mu.Unlock()
	var first error
	for i := len(steps) - 1; i >= 0; i-- {
		if a.undone != nil {
			a.undone(steps[i].what)
		}
		if err := steps[i].run(ctx); err != nil {
			a.log.Error("stop", "step", steps[i].what, "err", err)
			if first == nil {
				first = fmt.Errorf("%s: %w", steps[i].what, err)
			}
		}
	}
	return first
}

// Handler is the console's HTTP handler.
func (a *App) Handler() http.Handler { return a.server.Handler() }

// Store is the app's database, for the commands that work on it.
func (a *App) Store() *store.Store { return a.store }

// Hub is the live board fan-out.
func (a *App) Hub() *live.Hub { return a.hub }

// FileID names a loaded config for the audit log: its path and SHA-256.
func FileID(path string, data []byte) string {
	sum := sha256.Sum256(data)
	return path + " sha256=" + hex.EncodeToString(sum[:])
}

// idleByRole turns the config's idle timeouts by role name into the
// console's, by role.
func idleByRole(m map[string]time.Duration) map[watch.Role]time.Duration {
	out := make(map[watch.Role]time.Duration, len(m))
	for r, d := range m {
		out[watch.Role(r)] = d
	}
	return out
}
