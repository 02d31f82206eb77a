package config

import (
	"maps"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func TestTrustedProxies(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines("server:", "  trusted_proxies: [10.0.0.5/32, 'fd00::/8']")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32"), netip.MustParsePrefix("fd00::/8")}
	if !slices.Equal(f.Server.TrustedProxies, want) {
		t.Fatalf("trusted proxies %v, want %v", f.Server.TrustedProxies, want)
	}
	if f, _ := Parse("w.yaml", nil, Options{}); f.Server.TrustedProxies != nil {
		t.Fatalf("default trusted proxies %v, want none", f.Server.TrustedProxies)
	}
	checkProblems(t, lines("server:", "  trusted_proxies: [10.0.0.5]"), Options{},
		`w.yaml:2:21: server.trusted_proxies[0]: bad CIDR prefix "10.0.0.5": want address/length, such as 127.0.0.1/32`)
}

func TestSessionIdleTimeouts(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines("server:", "  session_idle_timeout: 20m", "  session_idle_timeout_by_role:", "    officer: 5m", "    viewer: 12h")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "idle", f.Server.SessionIdle, 20*time.Minute)
	if want := map[string]time.Duration{"officer": 5 * time.Minute, "viewer": 12 * time.Hour}; !maps.Equal(f.Server.SessionIdleByRole, want) {
		t.Fatalf("by role %v, want %v", f.Server.SessionIdleByRole, want)
	}
	if f, _ := Parse("w.yaml", nil, Options{}); f.Server.SessionIdle != DefaultSessionIdle {
		t.Fatalf("default idle %v", f.Server.SessionIdle)
	}
	checkProblems(t, lines("server:", "  session_idle_timeout: 10s", "  session_idle_timeout_by_role:", "    constable: 5m", "    officer: 48h"), Options{},
		`w.yaml:2:25: server.session_idle_timeout: want an idle timeout from 1m to 24h, not 10s`,
		`w.yaml:4:5: server.session_idle_timeout_by_role: unknown key "constable"`,
		`w.yaml:5:14: server.session_idle_timeout_by_role.officer: want an idle timeout from 1m to 24h, not 48h`)
}
