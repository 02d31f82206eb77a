package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/fetch"
	"github.com/watchroom/watchroom/watch/schedule"
	"github.com/watchroom/watchroom/watch/source"
	"github.com/watchroom/watchroom/watch/store"
)

// app is every component of a running console, wired from one config.
type app struct {
	cfg      *config.File
	log      *slog.Logger
	store    *store.Store
	hub      *live.Hub
	pipeline *watch.Pipeline
	sched    *schedule.Scheduler
	server   *ui.Server
	alerts   *alerts.Service
	surge    *schedule.Surge
	notify   *notifiers
	backoff  *backoffs

	reg        *watch.Registry // the operations in force: the config file's and the console's
	opMu       sync.Mutex      // one operation change at a time
	teams      []string
	lists      *watch.Lists // the watch lists in force: the config file's and the database's
	sourceList []watch.Source
	blobDir    string
	now        func() time.Time
	sources    map[string]watch.Source
	started    bool
	stopRun    func() // stops the alert loop and waits for it
}

type appOptions struct {
	Now      func() time.Time
	Demo     string // sign-in hint shown in demo mode
	ConfigID string // what was loaded, for the audit log
	Registry *prometheus.Registry
	Getenv   func(string) string // secrets of notifiers; default os.Getenv
	Live     live.Options        // websocket hub tuning; zero fields take the hub's defaults (Now is o.Now)
}

// converts config entries to domain types; only cmd knows both.
func domain(f *config.File) ([]watch.Source, []watch.WatchList, []watch.Operation) {
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

func newApp(ctx context.Context, f *config.File, logger *slog.Logger, o appOptions) (*app, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Registry == nil {
		o.Registry = prometheus.NewRegistry()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if err := os.MkdirAll(f.Server.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	st, err := store.Open(ctx, filepath.Join(f.Server.DataDir, "watchroom.db"), logger, store.Options{Now: o.Now})
	if err != nil {
		return nil, err
	}
	a := &app{cfg: f, log: logger, store: st, sources: map[string]watch.Source{}}
	if err := st.Audit(ctx, watch.AuditEntry{Actor: "system", Action: "config_load", Target: "config", Detail: o.ConfigID}); err != nil {
		st.Close()
		return nil, err
	}
	srcs, lists, ops := domain(f)
	for _, s := range srcs {
		a.sources[s.ID] = s
	}
	a.sourceList, a.now = srcs, o.Now
	a.blobDir = filepath.Join(f.Server.DataDir, "blobs")
	for _, t := range f.Teams {
		a.teams = append(a.teams, t.Name)
	}
	// the lists first: stored operations are checked against them
	a.lists = watch.NewLists(lists, ops, st, nil, logger, o.Now)
	if err := a.lists.Load(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if ops, err = a.withStoredOperations(ctx, ops); err != nil {
		st.Close()
		return nil, err
	}
	a.reg = watch.NewRegistry(ops) // the lists, alerts and surge take these in followOperations
	client, err := fetch.New(fetch.Options{Timeout: f.Fetch.Timeout, ConnectTimeout: f.Fetch.ConnectTimeout,
		MaxBody: f.Fetch.MaxBodyBytes, UserAgent: f.Fetch.UserAgent, Allow: f.Fetch.AllowPrivate,
		PerHostConcurrency: f.Fetch.PerHost.Concurrency, PerHostRate: rate.Limit(f.Fetch.PerHost.Rate),
		PerHostBurst: f.Fetch.PerHost.Burst, Hosts: hostLimits(f.Fetch.Hosts)})
	if err != nil {
		st.Close()
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
	m.watchHub(o.Registry, a.hub)
	if a.notify, err = newNotifiers(f, o.Getenv, logger); err != nil {
		st.Close()
		return nil, err
	}
	if a.alerts, err = newAlerts(f, a.lists, a.reg, st, logger, o.Now, a.notify); err != nil {
		st.Close()
		return nil, err
	}
	st.SetPublisher(func(evs []watch.Event) {
		a.hub.Publish(evs)
		a.alerts.Observe(evs)
	})
	a.backoff = newBackoffs(o.Now)
	a.pipeline = watch.NewPipeline(source.NewPollerWith(client, source.PollerOptions{Now: o.Now, Logger: logger}), a.lists.Matcher(), st, logger,
		watch.PipelineOptions{Now: o.Now, OnPoll: func(r watch.PollReport) { m.observePoll(r); a.backoff.note(r) },
			OnItem: a.proposeDrafts})
	a.sched = schedule.New(logger, f.Server.Location)
	a.surge = schedule.NewSurge(ops, nil)
	spread := schedule.Spread(srcs) // sources of one host do not fire together
	for _, s := range srcs {
		s := s
		if source.Pushed(s.Kind) {
			continue
		}
		if err := a.sched.AddSourceAt(s.ID, s.Schedule, spread[s.ID], a.surge, a.backoff.until, func(ctx context.Context) { _ = a.pipeline.Poll(ctx, s) }); err != nil {
			st.Close()
			return nil, err
		}
	}
	if err := a.sched.Add("alerts", "@every 15s", func(ctx context.Context) {
		if err := a.alerts.Tick(ctx); err != nil {
			logger.Error("alerts tick", "err", err)
		}
	}); err != nil {
		st.Close()
		return nil, err
	}
	// soft claims lapse on the hub's clock; this only looks at them
	if err := a.sched.Add("claims", "@every 5s", func(ctx context.Context) { a.hub.ExpireClaims(ctx) }); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.sched.Add("briefings", "@every 1m", a.scheduledBriefings); err != nil {
		st.Close()
		return nil, err
	}
	// retention: collected content is kept only as long as the config says
	if err := a.sched.Add("retention", "@every 1h", func(ctx context.Context) {
		p, err := st.Prune(ctx, f.Retention.Items)
		if err != nil {
			logger.Error("retention", "err", err)
			return
		}
		if p.Items+p.Events+p.Seen > 0 {
			logger.Info("retention", "items", p.Items, "events", p.Events, "seen", p.Seen)
		}
	}); err != nil {
		st.Close()
		return nil, err
	}
	hooks, err := webhookSources(srcs, o.Getenv)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.server, err = ui.New(ui.Options{
		Store: st, Hub: a.hub, Logger: logger, Operations: ops, Registry: a.reg, Teams: a.teams, OperationEditor: a,
		Sources: srcs, WatchLists: lists, Lists: a.lists,
		Secure: f.Server.TLSCert != "", AllowedOrigins: origins(f), SessionTTL: f.Server.SessionTTL,
		Location: f.Server.Location, Demo: o.Demo, Now: o.Now, Metrics: o.Registry,
		Ready:     a.ready,
		PollNow:   a.pollNow,
		Alerts:    a.alerts,
		Cadence:   a.cadence,
		Briefings: a.generateBriefing,
		BlobDir:   a.blobDir,
		Webhooks:  hooks,
		Record:    a.pipeline.Record,
		Capture:   capturer{client: client, pipe: a.pipeline, now: o.Now},
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	a.followOperations()
	return a, nil
}

// cadence tells the source health board how often a source is polled now,
// why, and when next.
func (a *app) cadence(source string, now time.Time) (string, string, time.Time) {
	d, why := a.surge.Cadence(source, now)
	spec := a.sources[source].Schedule
	if d == 0 {
		return spec, "its own schedule", a.sched.Next(source)
	}
	return "every " + d.String(), why, a.sched.Next(source)
}

func origins(f *config.File) []string {
	if f.Server.BaseURL == "" {
		return nil
	}
	return []string{f.Server.BaseURL}
}

func (a *app) ready(context.Context) error {
	if !a.started {
		return errors.New("scheduler not started")
	}
	return nil
}

func (a *app) pollNow(ctx context.Context, id string) error {
	s, ok := a.sources[id]
	if !ok {
		return fmt.Errorf("no source %q", id)
	}
	if source.Pushed(s.Kind) {
		return fmt.Errorf("source %s is pushed to by a tool; it is not polled", id)
	}
	return a.pipeline.PollNow(ctx, s)
}

// start runs the schedules and a first poll of every source.
func (a *app) start(ctx context.Context) {
	a.startAlerts()
	a.sched.Start()
	a.started = true
	for _, s := range a.sources {
		s := s
		if source.Pushed(s.Kind) {
			continue
		}
		_ = a.pipeline.Go(ctx, s)
	}
}

// startAlerts starts evaluating the timeline for alerts.
func (a *app) startAlerts() {
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	a.stopRun = func() { cancel(); <-done }
	go func() {
		defer close(done)
		a.alerts.Run(runCtx)
	}()
}

// close stops in reverse order of start. The alert loop is waited for, so
// a change it is recording or notifying is finished before the store
// closes.
func (a *app) close(ctx context.Context) error {
	if a.stopRun != nil {
		a.stopRun()
	}
	_ = a.hub.Shutdown(ctx)
	a.sched.Stop(ctx)
	_ = a.pipeline.Close(ctx)
	a.lists.Close()
	a.notify.wait()
	return a.store.Close()
}

func (a *app) handler() http.Handler { return a.server.Handler() }

// fileID names a loaded config for the audit log: its path and SHA-256.
func fileID(path string, data []byte) string {
	sum := sha256.Sum256(data)
	return path + " sha256=" + hex.EncodeToString(sum[:])
}
