package config

import (
	"net/netip"
	"slices"
	"testing"
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
