// Package ui is watchroom's web console: sign-in, boards, the JSON API the
// boards write through, the websocket endpoint and health. Everything from a
// source is rendered as text; no script runs inline.
package ui

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/watchroom/watchroom/alerts"
	"github.com/watchroom/watchroom/ui/live"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/referrals"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/tasking"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configure the console.
type Options struct {
	Store          *store.Store
	Hub            *live.Hub
	Logger         *slog.Logger
	Operations     []watch.Operation
	Sources        []watch.Source
	WatchLists     []watch.WatchList
	Secure         bool          // the outside is HTTPS (TLS here or at a proxy): cookies get Secure
	HSTS           bool          // TLS is terminated here: every answer carries Strict-Transport-Security
	AllowedOrigins []string      // extra origins for the websocket, e.g. the public base URL
	SessionTTL     time.Duration // default 12h
	Location       *time.Location
	Demo           string // non-empty in demo mode: the sign-in hint shown on every page
	Now            func() time.Time
	Ready          func(ctx context.Context) error // readiness beyond the database
	Metrics        prometheus.Gatherer             // nil: no /metrics
	PollNow        func(ctx context.Context, source string) error
	Alerts         *alerts.Service // nil: no alert panel
	// Cadence says how often a source is polled now, why, and when next.
	Cadence      func(source string, now time.Time) (every, why string, next time.Time)
	Briefings    BriefingGenerator // nil: no briefings
	BlobDir      string            // where briefing documents are kept, by SHA-256
	PasswordCost int               // bcrypt cost of the dummy hash for unknown names; default PasswordCost
	// Lists are the watch lists in force (the config file's and the
	// database's); nil: built from WatchLists and Store.
	Lists *watch.Lists

	// Registry holds the operations in force (nil: one made of
	// Operations); pages read it on every request, so an operation made
	// or edited in the console shows at once.
	Registry        *watch.Registry
	OperationEditor OperationEditor // nil: operations are read-only in the console
	Teams           []string        // the neighbourhood teams an operation may name
	// Webhooks are the sources tools push to (POST /ingest/<id>), and
	// Record records what they push; nil Record: no ingest endpoint.
	Webhooks []WebhookSource
	Record   Recorder
	Capture  Capturer // nil: no manual capture
	// Referrals is the referral ledger; nil: no referrals pages.
	Referrals *referrals.Service
	// Evidence preserves pages as evidence (ui/evidence.go); nil: no
	// evidence pages.
	Evidence *evidence.Service
	// Map and Wall: the board's map tiles and the wall's rotation (map.go).
	Map  MapOptions
	Wall WallOptions
	// Retention is how long each kind of record is kept (the retention
	// page shows it; the app prunes).
	Retention store.Classes
	// Tasking is the request types, teams and service levels; nil: no
	// requests (/requests, /tasking, /demand).
	Tasking *tasking.Config
	// TrustedProxies are the proxies whose X-Forwarded-For names the
	// client (server.trusted_proxies); none: the connection's peer is.
	TrustedProxies []netip.Prefix
	// SessionIdle is how long a session lasts without activity (default
	// DefaultSessionIdle); SessionIdleByRole overrides it per role, e.g.
	// shorter for officers on shared desks.
	SessionIdle       time.Duration
	SessionIdleByRole map[watch.Role]time.Duration
}

// Server is the console's HTTP server.
type Server struct {
	e        *echo.Echo
	opts     Options
	store    *store.Store
	hub      *live.Hub
	log      *slog.Logger
	tmpl     *template.Template
	throttle *signInThrottle
	up       *websocket.Upgrader
	reg      *watch.Registry
	lists    *watch.Lists
	ingest   *ingester
	// trySlots bounds how many "try it" scans run at once.
	trySlots chan struct{}

	csrfKey   []byte // the installation's key for CSRF tokens (csrf.go)
	dummyOnce sync.Once
	dummy     []byte
	nameKey   nameKey // keys the hash of names that are no account (login.go)
}

// New builds the server and its routes.
func New(opts Options) (*Server, error) {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.SessionIdle <= 0 {
		opts.SessionIdle = DefaultSessionIdle
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PasswordCost == 0 {
		opts.PasswordCost = PasswordCost
	}
	loc := opts.Location
	tmpl, err := template.New("").Funcs(template.FuncMap{
		"when":         func(t time.Time) string { return formatTime(t, loc) }, // the one time format
		"accountState": AccountState,
		"accountAction": func(csrf, name, action, label string) map[string]string {
			return map[string]string{"CSRF": csrf, "Name": name, "Action": action, "Label": label}
		},
		// direction and invisible characters in what a source wrote, made visible
		"reveal": watch.Reveal,
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{e: echo.New(), opts: opts, store: opts.Store, hub: opts.Hub,
		log: opts.Logger.With("component", "ui"), tmpl: tmpl, throttle: newSignInThrottle(opts.Now),
		reg: opts.Registry, ingest: newIngester(opts.Webhooks), trySlots: make(chan struct{}, trySlots)}
	if opts.Store != nil {
		if s.csrfKey, err = opts.Store.Secret(context.Background(), "csrf"); err != nil {
			return nil, err
		}
	}
	if s.reg == nil {
		s.reg = watch.NewRegistry(opts.Operations)
	}
	if s.lists = opts.Lists; s.lists == nil {
		var src watch.ListSource
		if opts.Store != nil {
			src = opts.Store
		}
		s.lists = watch.NewLists(opts.WatchLists, opts.Operations, src, nil, opts.Logger, opts.Now)
		if err := s.lists.Load(context.Background()); err != nil {
			return nil, err
		}
	}
	s.up = &websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, CheckOrigin: s.checkOrigin}
	s.e.HideBanner, s.e.HidePort = true, true
	// A client's address is the connection's, or X-Forwarded-For's as
	// written by a configured trusted proxy only (clientaddr.go).
	s.e.IPExtractor = ClientAddr(opts.TrustedProxies)
	s.e.HTTPErrorHandler = s.errorHandler
	s.routes()
	return s, nil
}

// Handler is the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s.e }

func (s *Server) routes() {
	e := s.e
	e.Use(middleware.Recover())
	e.Use(securityHeadersFor(s.opts.Map.tileOrigin(), s.opts.HSTS))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: "64K",
		Skipper: func(c echo.Context) bool { return c.Path() == "/ingest/:source" }})) // ingest caps its body itself, with a message for the sender
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		nul := refuseNUL(next)
		return func(c echo.Context) error {
			if c.Path() == "/ingest/:source" {
				return next(c) // a push's body is the source's to parse
			}
			return nul(c)
		}
	})
	e.Use(s.csrf(func(c echo.Context) bool {
		p := c.Path()
		// ingest: a push bears the source's token, not a session (ingest.go)
		return p == "/favicon.ico" || p == "/healthz" || p == "/readyz" || p == "/metrics" || p == "/static/*" || p == "/ingest/:source"
	}))

	static, _ := fs.Sub(staticFS, "static")
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", cacheStatic(http.FileServer(filesOnly{http.FS(static)})))))
	e.GET("/favicon.ico", favicon) // for clients that ask before reading the page's icon link
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	if s.opts.Metrics != nil {
		e.GET("/metrics", s.metrics)
	}
	e.GET("/login", s.loginPage)
	e.POST("/login", s.login)
	e.POST("/ingest/:source", s.ingestPush)

	a := e.Group("", s.requireSession, s.requesterFence)
	a.POST("/logout", s.logout)
	a.GET("/account/password", s.passwordForm)
	a.POST("/account/password", s.changePassword)
	s.adminUserRoutes(a)
	a.GET("/api/session", s.sessionState)
	a.POST("/api/activity", s.sessionState)
	a.GET("/", s.home)
	a.GET("/board/:id", s.board)
	a.GET("/operations", s.operations)
	s.watchListRoutes(a)
	if s.opts.OperationEditor != nil {
		s.operationRoutes(a)
	}
	if s.opts.Briefings != nil {
		a.GET("/briefings", s.briefings)
		a.GET("/briefings/:id", s.briefing)
		a.GET("/briefings/:id/download", s.downloadBriefing)
		a.POST("/briefings/generate", s.generateBriefing, requireRole(watch.RoleAnalyst))
		a.GET("/operations/:id/note", s.briefingNote, requireRole(watch.RoleAnalyst))
		a.POST("/operations/:id/note", s.briefingNote, requireRole(watch.RoleAnalyst))
	}
	a.GET("/api/boards/:id/snapshot", s.snapshot)
	a.GET("/api/boards/:id/chart", s.chart)
	a.GET("/api/boards/:id/search", s.search)
	a.GET("/api/sources", s.sources)
	a.GET("/ws", s.websocket)
	a.POST("/api/hits/:id/annotations", s.annotate, requireRole(watch.RoleOfficer))
	a.POST("/api/hits/:id/claim", s.claim, requireRole(watch.RoleOfficer))
	a.POST("/api/hits/:id/release", s.release, requireRole(watch.RoleOfficer))
	a.GET("/api/claims", s.claims)
	a.GET("/api/severities", s.severities)
	a.GET("/api/hits/:id", s.hit)
	a.GET("/api/boards/:id/hits", s.hitsPage)
	a.GET("/api/boards/:id/map", s.boardMap)
	a.GET("/api/prefs", s.boardPrefs)
	a.PUT("/api/prefs", s.setBoardPrefs)
	if s.opts.Alerts != nil {
		a.GET("/api/boards/:id/alerts", s.boardAlerts)
		a.POST("/api/alerts/:fp/:action", s.alertAction, requireRole(watch.RoleOfficer))
		s.silenceRoutes(a)
	}
	a.POST("/api/sources/:id/:action", s.sourceAction, requireRole(watch.RoleAnalyst))
	a.GET("/sources", s.sourcesPage, requireRole(watch.RoleAnalyst))
	if s.opts.Capture != nil {
		a.POST("/api/capture", s.capture, requireRole(watch.RoleAnalyst))
	}
	if s.opts.Referrals != nil {
		s.referralRoutes(a)
	}
	if s.opts.Evidence != nil {
		s.evidenceRoutes(a)
	}
	if s.opts.Tasking != nil {
		s.taskingRoutes(a)
	}
	s.retentionRoutes(a)
	s.auditRoutes(a)
}

// securityHeaders sets a strict CSP (no inline script, no plugins, no
// framing) and the usual hardening headers on every response.
// Images may come from one more origin: the configured map tile
// server's, if any.
// Under TLS, browsers are told to come back only over HTTPS for a year.
func securityHeadersFor(tileOrigin string, hsts bool) echo.MiddlewareFunc {
	img := "img-src 'self'; "
	if tileOrigin != "" {
		img = "img-src 'self' " + tileOrigin + "; "
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return securityHeadersWith(img, hsts, next)
	}
}

func securityHeadersWith(img string, hsts bool, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "+img+
			"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// Pages, API answers, briefings and exports carry personal data:
		// no browser or proxy keeps a copy. Static assets say otherwise.
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

// favicon is the console's icon (static/favicon.svg) where browsers look
// for it by default.
func favicon(c echo.Context) error {
	b, err := staticFS.ReadFile("static/favicon.svg")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "image/svg+xml", b)
}

// cacheStatic lets browsers keep the embedded assets but ask each time
// whether they are still current: their names carry no version, so an
// upgraded console must not be met with last week's script. They hold no
// personal data.
func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// filesOnly serves files and nothing else: a directory is not found, so
// /static/ lists nothing.
type filesOnly struct{ fs http.FileSystem }

func (f filesOnly) Open(name string) (http.File, error) {
	file, err := f.fs.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := file.Stat(); err != nil || st.IsDir() {
		file.Close()
		return nil, fs.ErrNotExist
	}
	return file, nil
}

// errorHandler keeps internal errors out of what a person is told.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := http.StatusInternalServerError, "Something went wrong; it has been logged."
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		code = he.Code
		if body, ok := he.Message.(map[string]any); ok && (isAPI(c) || c.Request().Method != http.MethodGet) {
			_ = c.JSON(code, body) // a refusal with details, e.g. where a query is wrong
			return
		}
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(code)
		}
	case errors.Is(err, store.ErrNotFound):
		code, msg = http.StatusNotFound, "Not found."
	case errors.Is(err, store.ErrInvalid):
		code, msg = http.StatusBadRequest, "The request is not valid."
	}
	if code >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if isAPI(c) || c.Request().Method != http.MethodGet {
		_ = c.JSON(code, map[string]string{"error": msg})
		return
	}
	_ = s.render(c, code, "error.html", page{Title: http.StatusText(code), Error: msg})
}

// fillPage sets what every page shows whatever it is: the person, their
// navigation, the CSRF token, when the session ends if idle, the zone.
func (s *Server) fillPage(c echo.Context, p *page) {
	p.Demo = s.opts.Demo
	p.CSRF, _ = c.Get("csrf").(string)
	if u, ok := userFrom(c); ok {
		p.User, p.SignedIn = u, true
		p.Nav = s.nav(c, u)
		p.Idle, _ = c.Get("idle").(idleInfo)
	}
	p.TimeZone = s.opts.Location.String()
}

// page is what every template gets.
type page struct {
	Title    string
	User     watch.User
	SignedIn bool
	CSRF     string
	Demo     string
	Error    string
	Username string
	Board    boardPage
	Wall     bool // wall mode: the board on a big screen
	Nav      []navLink
	Password passwordPage
	Accounts accountsPage
	Idle     idleInfo // when the session ends if idle; zero when signed out
	TimeZone string   // the zone every time is shown in (time.js reads it)

	Operations operationsPage
	OpForm     opFormPage
	Silences   silencesPage
	Briefings  briefingsPage
	Note       notePage
	Lists      watchListsPage
	Referrals  referralsPage
	Evidence   evidencePage
	Retention  retentionPage
	Audit      auditPage
}

func (s *Server) render(c echo.Context, code int, name string, p page) error {
	s.fillPage(c, &p)
	c.Response().Header().Set("Content-Type", "text/html; charset=utf-8")
	c.Response().WriteHeader(code)
	return s.tmpl.ExecuteTemplate(c.Response(), name, p)
}
