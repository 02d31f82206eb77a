package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// Resolver looks up the addresses of a host name. *net.Resolver satisfies it.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// dialFunc has the shape of net.Dialer.DialContext.
type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// dialer resolves names itself so that the guard sees, before any packet is
// sent, exactly the addresses that will be connected to: no second lookup
// happens between the check and the connect, which is what DNS rebinding
// relies on.
type dialer struct {
	guard    guard
	resolver Resolver
	// connect makes the connection to a vetted address. It is a net.Dialer
	// whose Control runs the guard once more on the socket's address; tests
	// wrap it in a net that fails on any address beyond loopback.
	connect dialFunc
}

func (d *dialer) dial(ctx context.Context, network, address string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &Error{Class: ClassBadURL, Msg: fmt.Sprintf("unusable address %q", address), Err: err}
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, &Error{Class: ClassBadURL, Msg: fmt.Sprintf("unusable port in %q", address), Err: err}
	}
	addrs, err := d.resolve(ctx, network, host)
	if err != nil {
		return nil, err
	}
	// One special address among the answers refuses the name: a public
	// name has no business pointing inwards, even partly.
	for _, a := range addrs {
		if why := d.guard.refusal(a); why != "" {
			target := a.String()
			if target != host {
				target = fmt.Sprintf("%s (%s)", host, a)
			}
			return nil, &Error{Class: ClassRefused, Msg: fmt.Sprintf("refused to connect to %s: %s", target, why)}
		}
	}
	var first error
	for _, a := range addrs {
		conn, err := d.connect(ctx, network, netip.AddrPortFrom(a, uint16(port)).String())
		if err == nil {
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	return nil, first
}

// resolve returns host's addresses usable on network; an IP literal is
// its own answer.
func (d *dialer) resolve(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a.Unmap()}, nil
	}
	ipNet := "ip"
	switch network {
	case "tcp4":
		ipNet = "ip4"
	case "tcp6":
		ipNet = "ip6"
	}
	found, err := d.resolver.LookupNetIP(ctx, ipNet, host)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err // our timeout or the caller's cancellation, classified as such
		}
		return nil, &Error{Class: ClassDNS, Msg: fmt.Sprintf("cannot resolve %s", host), Err: err}
	}
	addrs := make([]netip.Addr, 0, len(found))
	for _, a := range found {
		a = a.Unmap()
		if (ipNet == "ip4" && !a.Is4()) || (ipNet == "ip6" && !a.Is6()) {
			continue
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, &Error{Class: ClassDNS, Msg: fmt.Sprintf("%s has no address", host)}
	}
	return addrs, nil
}
