package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// special lists address ranges a feed never legitimately lives on. Fetching
// them would let a configured (or redirected-to) URL reach the host itself,
// the local network or cloud metadata services.
var special = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\" address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT address"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback address"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol address"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation address"},
	{netip.MustParsePrefix("192.88.99.0/24"), "6to4 relay address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking address"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation address"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved or broadcast address"},

	{netip.MustParsePrefix("::/128"), "unspecified address"},
	{netip.MustParsePrefix("::1/128"), "loopback address"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local NAT64 address"},
	{netip.MustParsePrefix("100::/64"), "discard-only address"},
	{netip.MustParsePrefix("2001::/23"), "IETF protocol address"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation address"},
	{netip.MustParsePrefix("3fff::/20"), "documentation address"},
	{netip.MustParsePrefix("fc00::/7"), "unique local address"},
	{netip.MustParsePrefix("fe80::/10"), "link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "site-local address"},
	{netip.MustParsePrefix("ff00::/8"), "multicast address"},
}

// Prefixes whose addresses carry an IPv4 address inside: the embedded one is
// what the packets finally reach, so it is checked too.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// guard refuses connections to special-purpose addresses unless allowed.
type guard struct {
	allow []netip.Prefix
}

// refusal returns why addr must not be dialled, or "" when it may.
func (g guard) refusal(addr netip.Addr) string {
	if !addr.IsValid() {
		return "invalid address"
	}
	addr = addr.WithZone("")
	if g.allowed(addr) {
		return ""
	}
	// An IPv4-mapped IPv6 address reaches the IPv4 host.
	if addr.Is4In6() {
		return g.refusal(addr.Unmap())
	}
	for _, s := range special {
		if s.prefix.Contains(addr) {
			return s.why
		}
	}
	if addr.Is6() {
		b := addr.As16()
		switch {
		case nat64.Contains(addr):
			return g.refusal(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(addr):
			return g.refusal(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	return ""
}

func (g guard) allowed(addr netip.Addr) bool {
	for _, p := range g.allow {
		if p.Contains(addr) || (addr.Is4In6() && p.Contains(addr.Unmap())) {
			return true
		}
	}
	return false
}

// control runs in the dialer after DNS resolution, on the exact address about
// to be connected, so a name that resolves differently on a second lookup
// (DNS rebinding) or a redirect to an internal name cannot get past it.
func (g guard) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused to connect to %q", address), Err: err}
	}
	if why := g.refusal(ap.Addr()); why != "" {
		return &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused to connect to %s: %s", ap.Addr(), why)}
	}
	return nil
}
