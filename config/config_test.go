package config

import (
	"errors"
	"io/fs"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// lines joins its arguments into a file, one per line, so a test's line
// numbers can be read off its position in the list.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

var feedOnly = Options{Kinds: []string{"feed"}}

// okSource is a valid source entry, for tests about something else.
const okSource = `  - {id: a, kind: feed, url: "https://example.org/f", schedule: "@hourly"}`

func TestParseValid(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		opts  Options
		check func(t *testing.T, f *File)
	}{
		{
			name: "empty file gives defaults",
			yaml: "",
			check: func(t *testing.T, f *File) {
				want := Server{Listen: "127.0.0.1:8080", DataDir: "./data", Timezone: "Europe/London", SessionTTL: 12 * time.Hour,
					ClaimTimeout: 10 * time.Minute, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 20 * time.Second,
					IdleTimeout: 2 * time.Minute, MaxConnsPerAddr: 256, SessionIdle: 30 * time.Minute}
				got := f.Server
				got.Location = nil
				if !reflect.DeepEqual(got, want) {
					t.Errorf("server = %+v, want %+v", got, want)
				}
				if f.Server.Location == nil || f.Server.Location.String() != "Europe/London" {
					t.Errorf("location = %v, want Europe/London", f.Server.Location)
				}
				if f.Fetch.Timeout != 20*time.Second || f.Fetch.ConnectTimeout != 5*time.Second ||
					f.Fetch.MaxBodyBytes != 5<<20 || f.Fetch.UserAgent != DefaultUserAgent || f.Fetch.AllowPrivate != nil {
					t.Errorf("fetch = %+v, want defaults", f.Fetch)
				}
				if f.Retention.Items != 720*time.Hour {
					t.Errorf("retention = %v, want 720h", f.Retention.Items)
				}
				if len(f.Sources)+len(f.WatchLists)+len(f.Operations) != 0 {
					t.Errorf("want no entries, got %+v", f)
				}
			},
		},
		{
			name:  "comments only",
			yaml:  lines("# nothing yet", "  # still nothing"),
			check: func(t *testing.T, f *File) { wantEqual(t, "listen", f.Server.Listen, DefaultListen) },
		},
		{
			name:  "document marker only",
			yaml:  lines("---"),
			check: func(t *testing.T, f *File) { wantEqual(t, "data dir", f.Server.DataDir, DefaultDataDir) },
		},
		{
			name:  "empty sections keep defaults",
			yaml:  lines("server:", "fetch:", "retention:", "sources:", "watchlists: []", "operations:"),
			check: func(t *testing.T, f *File) { wantEqual(t, "items", f.Retention.Items, DefaultRetention) },
		},
		{
			name: "every server and fetch key",
			yaml: lines(
				"server:",
				"  listen: ':0'",
				"  base_url: https://watch.example.org/",
				"  data_dir: /var/lib/watchroom",
				"  timezone: UTC",
				"  tls_cert: /etc/watchroom/cert.pem",
				"  tls_key: /etc/watchroom/key.pem",
				"  session_ttl: 8h",
				"  claim_timeout: 5m",
				"  read_header_timeout: 2s",
				"  read_timeout: 5s",
				"  idle_timeout: 30s",
				"  max_conns_per_addr: 0",
				"fetch:",
				"  timeout: 1m",
				"  connect_timeout: 2s",
				"  max_body_bytes: 1024",
				"  user_agent: test-agent",
				"  allow_private: [127.0.0.1/32, '10.1.2.3/8', '::1/128']",
				"retention:",
				"  items: 48h",
				"  requests: 4380h",
			),
			check: func(t *testing.T, f *File) {
				s := f.Server
				s.Location = nil
				want := Server{Listen: ":0", BaseURL: "https://watch.example.org/", DataDir: "/var/lib/watchroom", Timezone: "UTC",
					TLSCert: "/etc/watchroom/cert.pem", TLSKey: "/etc/watchroom/key.pem", SessionTTL: 8 * time.Hour,
					ClaimTimeout: 5 * time.Minute, ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 5 * time.Second,
					IdleTimeout: 30 * time.Second, SessionIdle: 30 * time.Minute}
				if !reflect.DeepEqual(s, want) {
					t.Errorf("server = %+v, want %+v", s, want)
				}
				wantEqual(t, "location", f.Server.Location, time.UTC)
				wantEqual(t, "timeout", f.Fetch.Timeout, time.Minute)
				wantEqual(t, "connect timeout", f.Fetch.ConnectTimeout, 2*time.Second)
				wantEqual(t, "max body", f.Fetch.MaxBodyBytes, int64(1024))
				wantEqual(t, "user agent", f.Fetch.UserAgent, "test-agent")
				// A prefix written with host bits set is stored as its network.
				wantPrefixes := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
				if !slices.Equal(f.Fetch.AllowPrivate, wantPrefixes) {
					t.Errorf("allow_private = %v, want %v", f.Fetch.AllowPrivate, wantPrefixes)
				}
				wantEqual(t, "retention", f.Retention.Items, 48*time.Hour)
				wantEqual(t, "requests retention", f.Retention.Requests, 4380*time.Hour)
			},
		},
		{
			name: "entries and references in any section order",
			yaml: lines(
				"operations:",
				"  - id: carnival",
				"    name: Carnival weekend",
				"    start: 2026-08-29T10:00:00+01:00",
				"    end: '2026-08-31T22:00:00Z'",
				"    watchlists: [ume]",
				"    sources: [met-news]",
				"watchlists:",
				"  - id: ume",
				"    terms: ['  rave ', free party, '\"block party\"']",
				"    sources: [met-news]",
				"sources:",
				"  - id: met-news",
				"    name: Met news",
				"    kind: feed",
				"    url: https://example.org/feed.xml",
				"    schedule: '*/5 * * * *'",
			),
			opts: feedOnly,
			check: func(t *testing.T, f *File) {
				src, ok := f.Source("met-news")
				wantSrc := Source{ID: "met-news", Name: "Met news", Kind: "feed", URL: "https://example.org/feed.xml", Schedule: "*/5 * * * *", Line: 13}
				if !ok || !reflect.DeepEqual(src, wantSrc) {
					t.Errorf("Source(met-news) = %+v, %v; want %+v", src, ok, wantSrc)
				}
				wl, ok := f.WatchList("ume")
				if !ok || !slices.Equal(wl.Terms, []string{"rave", "free party", `"block party"`}) || wl.Line != 9 {
					t.Errorf("WatchList(ume) = %+v, %v", wl, ok)
				}
				op, ok := f.Operation("carnival")
				start := time.Date(2026, 8, 29, 9, 0, 0, 0, time.UTC)
				if !ok || !op.Start.Equal(start) || !op.End.Equal(time.Date(2026, 8, 31, 22, 0, 0, 0, time.UTC)) ||
					!slices.Equal(op.WatchLists, []string{"ume"}) || !slices.Equal(op.Sources, []string{"met-news"}) {
					t.Errorf("Operation(carnival) = %+v, %v", op, ok)
				}
				if _, ok := f.Source("nope"); ok {
					t.Error("Source(nope) found")
				}
			},
		},
		{
			name: "variables are expanded in values",
			yaml: lines(
				"server:",
				"  listen: ${HOST}:${PORT}",
				"  data_dir: $${literal}",
				"sources:",
				"  - {id: a, kind: feed, url: '${URL}', schedule: '@every ${EVERY}'}",
			),
			opts: Options{Vars: map[string]string{"HOST": "127.0.0.1", "PORT": "9000", "URL": "http://127.0.0.1:1/f", "EVERY": "5s"}},
			check: func(t *testing.T, f *File) {
				wantEqual(t, "listen", f.Server.Listen, "127.0.0.1:9000")
				wantEqual(t, "data dir", f.Server.DataDir, "${literal}")
				wantEqual(t, "url", f.Sources[0].URL, "http://127.0.0.1:1/f")
				wantEqual(t, "schedule", f.Sources[0].Schedule, "@every 5s")
			},
		},
		{
			name: "a variable cannot change the file's structure",
			yaml: lines("sources:", "  - {id: a, kind: feed, url: 'https://example.org/f', schedule: '@hourly', name: '${NAME}'}"),
			opts: Options{Vars: map[string]string{"NAME": "x\n  - id: injected"}},
			check: func(t *testing.T, f *File) {
				if len(f.Sources) != 1 || f.Sources[0].Name != "x\n  - id: injected" {
					t.Errorf("sources = %+v, want one with the variable as its name", f.Sources)
				}
			},
		},
		{
			name:  "no kinds given accepts any kind",
			yaml:  lines("sources:", "  - {id: a, kind: anything, url: 'https://example.org/f', schedule: '@hourly'}"),
			check: func(t *testing.T, f *File) { wantEqual(t, "kind", f.Sources[0].Kind, "anything") },
		},
		{
			name: "cron specs the scheduler accepts",
			yaml: lines(
				"sources:",
				"  - {id: a, kind: feed, url: 'https://example.org/a', schedule: '@every 1s'}",
				"  - {id: b, kind: feed, url: 'https://example.org/b', schedule: '@daily'}",
				"  - {id: c, kind: feed, url: 'https://example.org/c', schedule: '0 9-17 * * MON-FRI'}",
				"  - {id: d, kind: feed, url: 'https://example.org/d', schedule: 'CRON_TZ=Europe/London 30 6 * * *'}",
			),
			opts:  feedOnly,
			check: func(t *testing.T, f *File) { wantEqual(t, "sources", len(f.Sources), 4) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("w.yaml", []byte(tt.yaml), tt.opts)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			tt.check(t, f)
		})
	}
}

func wantEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// parseProblems parses yaml, which must be invalid, and returns its
// problems as strings.
func parseProblems(t *testing.T, yaml string, opts Options) []string {
	t.Helper()
	f, err := Parse("w.yaml", []byte(yaml), opts)
	if err == nil {
		t.Fatalf("Parse succeeded (%+v), want problems", f)
	}
	if f != nil {
		t.Errorf("Parse returned a File with its problems")
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %T is not Problems: %v", err, err)
	}
	got := make([]string, len(ps))
	for i, p := range ps {
		got[i] = p.String()
	}
	if err.Error() != strings.Join(got, "\n") {
		t.Errorf("Error() = %q, want the problems one per line", err.Error())
	}
	return got
}

func checkProblems(t *testing.T, yaml string, opts Options, want ...string) {
	t.Helper()
	got := parseProblems(t, yaml, opts)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(lines("server:", "  listen: 127.0.0.1:9001")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(lines("server:", "  lisen: 127.0.0.1:9001")), 0o600); err != nil {
		t.Fatal(err)
	}

	f, err := Load(good, Options{})
	if err != nil {
		t.Fatalf("Load(good): %v", err)
	}
	wantEqual(t, "listen", f.Server.Listen, "127.0.0.1:9001")

	_, err = Load(bad, Options{})
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].File != bad {
		t.Errorf("Load(bad) = %v, want one problem naming %s", err, bad)
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"), Options{})
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &ps) {
		t.Errorf("Load(missing) = %v, want a wrapped not-exist error", err)
	}
}

func TestEnvOverrides(t *testing.T) {
	file := lines("server:", "  listen: 127.0.0.1:9000", "  data_dir: ./here")
	tests := []struct {
		name        string
		env         map[string]string
		wantListen  string
		wantDataDir string
		wantProblem string
	}{
		{name: "no environment", wantListen: "127.0.0.1:9000", wantDataDir: "./here"},
		{name: "empty values are no override", env: map[string]string{"WATCHROOM_LISTEN": "", "WATCHROOM_DATA_DIR": ""},
			wantListen: "127.0.0.1:9000", wantDataDir: "./here"},
		{name: "both overridden", env: map[string]string{"WATCHROOM_LISTEN": "127.0.0.2:80", "WATCHROOM_DATA_DIR": "/srv/watchroom"},
			wantListen: "127.0.0.2:80", wantDataDir: "/srv/watchroom"},
		{name: "beyond loopback in plain HTTP", env: map[string]string{"WATCHROOM_LISTEN": "0.0.0.0:80"},
			wantProblem: `$WATCHROOM_LISTEN: server.listen: "0.0.0.0:80" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{name: "a bad value is a problem", env: map[string]string{"WATCHROOM_LISTEN": "nonsense"},
			wantProblem: `$WATCHROOM_LISTEN: server.listen: bad address "nonsense": want host:port, such as 127.0.0.1:8080`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Env: func(k string) string { return tt.env[k] }}
			if tt.wantProblem != "" {
				checkProblems(t, file, opts, tt.wantProblem)
				return
			}
			f, err := Parse("w.yaml", []byte(file), opts)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			wantEqual(t, "listen", f.Server.Listen, tt.wantListen)
			wantEqual(t, "data dir", f.Server.DataDir, tt.wantDataDir)
		})
	}
}

func TestExampleFile(t *testing.T) {
	f, err := Load("example.yaml", feedOnly)
	if err != nil {
		t.Fatalf("example.yaml: %v", err)
	}
	if len(f.Sources) != 2 || len(f.WatchLists) != 3 || len(f.Operations) != 1 {
		t.Errorf("example has %d sources, %d watch lists, %d operations; want 2, 3, 1",
			len(f.Sources), len(f.WatchLists), len(f.Operations))
	}
	if f.Retention.Requests != DefaultRequestRetention {
		t.Errorf("example keeps requests %v, want the default %v", f.Retention.Requests, DefaultRequestRetention)
	}
	if len(f.Silences) != 1 || f.Operations[0].BriefingLead != 36*time.Hour || !slices.Equal(f.WatchLists[0].Tags, []string{"event discovery"}) {
		t.Errorf("example has %d silences, briefing lead %s, tags %q", len(f.Silences), f.Operations[0].BriefingLead, f.WatchLists[0].Tags)
	}
}

// TestExampleDocumented keeps example.yaml a reference: every key has a
// comment on the line above it or on its own line.
func TestExampleDocumented(t *testing.T) {
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimPrefix(strings.TrimSpace(line), "- ")
		key, _, isKey := strings.Cut(trimmed, ":")
		isKey = isKey && key != "" && !strings.ContainsAny(key, ` "'#`)
		if isKey && !strings.HasPrefix(prev, "#") && !strings.Contains(line, " # ") {
			t.Errorf("example.yaml:%d: key %q has no comment", i+1, key)
		}
		if strings.TrimSpace(line) != "" {
			prev = strings.TrimSpace(line)
		}
	}
}

// demoVars are the variables a caller gives the demo config.
func demoVars() map[string]string {
	return map[string]string{
		"DEMO_FEED_URL":   "http://127.0.0.1:43210/feed.xml",
		"DEMO_BROKEN_URL": "http://127.0.0.1:43210/broken.xml",
		"DEMO_EVENTS_URL": "http://127.0.0.1:43210/events.ics",
		"DATA_DIR":        "/tmp/watchroom-demo",
		"LISTEN":          "127.0.0.1:0",
		"OP_START":        "2026-06-01T18:00:00Z",
		"OP_END":          "2026-06-02T04:00:00Z",
		"OP2_START":       "2026-06-01T12:00:00+01:00",
		"OP2_END":         "2026-06-03T12:00:00+01:00",
	}
}

func TestDemo(t *testing.T) {
	f, err := Parse("demo.yaml", Demo, Options{Kinds: []string{"feed", "ical"}, Vars: demoVars()})
	if err != nil {
		t.Fatalf("demo.yaml: %v", err)
	}
	wantEqual(t, "listen", f.Server.Listen, "127.0.0.1:0")
	wantEqual(t, "data dir", f.Server.DataDir, "/tmp/watchroom-demo")
	if !slices.Equal(f.Fetch.AllowPrivate, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}) {
		t.Errorf("allow_private = %v", f.Fetch.AllowPrivate)
	}
	src, ok := f.Source("demo-feed")
	if !ok || src.Kind != "feed" || src.URL != "http://127.0.0.1:43210/feed.xml" || src.Schedule != "@every 5s" {
		t.Errorf("demo-feed = %+v, %v", src, ok)
	}
	for _, id := range []string{"ume", "disorder", "gathering"} {
		if wl, ok := f.WatchList(id); !ok || len(wl.Terms) < 3 {
			t.Errorf("watch list %s = %+v, %v", id, wl, ok)
		}
	}
	ume, _ := f.WatchList("ume")
	for _, term := range []string{"rave", "free party", "sound system", "unlicensed music event", "pull up"} {
		if !slices.Contains(ume.Terms, term) {
			t.Errorf("ume lacks %q", term)
		}
	}
	ops := map[string][]string{"summer-rave": {"ume", "gathering"}, "estate-tensions": {"disorder"}}
	for id, lists := range ops {
		op, ok := f.Operation(id)
		if !ok || !slices.Equal(op.WatchLists, lists) {
			t.Errorf("operation %s = %+v, %v; want watch lists %v", id, op, ok, lists)
		}
	}
	op, _ := f.Operation("summer-rave")
	wantEqual(t, "summer-rave start", op.Start, time.Date(2026, 6, 1, 18, 0, 0, 0, time.UTC))
}

// TestDemoNeedsItsVars makes sure a caller that forgets a variable is told
// which, rather than getting a demo pointed nowhere.
func TestDemoNeedsItsVars(t *testing.T) {
	for name := range demoVars() {
		vars := demoVars()
		delete(vars, name)
		_, err := Parse("demo.yaml", Demo, Options{Kinds: []string{"feed"}, Vars: vars})
		if err == nil || !strings.Contains(err.Error(), "unknown variable ${"+name+"}") {
			t.Errorf("without %s: err = %v", name, err)
		}
	}
}
