package ui

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"
)

// ClientAddr returns the function that gives a request's client address.
// The address is the connection's peer unless that peer is one of the
// trusted proxies; then X-Forwarded-For is read from the right, skipping
// trusted proxies, and the first address that is not one is the client.
// With no trusted proxies the header is never read: a client cannot
// choose its own address. echo's extractor does the reading; every
// range it would trust by default (loopback, link-local, private) is
// turned off so only the configured ones count.
func ClientAddr(trusted []netip.Prefix) func(*http.Request) string {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		p = p.Masked()
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
