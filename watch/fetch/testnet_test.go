package fetch_test

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"

	"golang.org/x/time/rate"

	"github.com/watchroom/watchroom/watch/fetch"
)

// testNet is the network the tests' clients see: names resolve from a table
// (never through real DNS) and connections go to loopback only. A few
// addresses stand in for public hosts and are connected to loopback instead.
type testNet struct {
	t *testing.T

	mu      sync.Mutex
	answers map[string][][]netip.Addr // successive answers per name; the last repeats
	lookups map[string]int
	public  map[netip.Addr]bool
	dialled []string // addresses that reached the connect step
}

// publicStandIn is a public address (example.com's, once) that the tests'
// net connects to loopback instead: the guard must let it through.
var publicStandIn = netip.MustParseAddr("93.184.216.34")

func newTestNet(t *testing.T) *testNet {
	n := &testNet{t: t, answers: map[string][][]netip.Addr{}, lookups: map[string]int{},
		public: map[netip.Addr]bool{publicStandIn: true}}
	n.name("localhost", "127.0.0.1")
	return n
}

// name makes host resolve to addrs (each a comma-separated answer) in turn.
func (n *testNet) name(host string, answers ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	var list [][]netip.Addr
	for _, a := range answers {
		var addrs []netip.Addr
		for _, s := range strings.Split(a, ",") {
			addrs = append(addrs, netip.MustParseAddr(s))
		}
		list = append(list, addrs)
	}
	n.answers[host] = list
}

func (n *testNet) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	host = strings.ToLower(host)
	list, ok := n.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(n.lookups[host], len(list)-1)
	n.lookups[host]++
	return list[i], nil
}

func (n *testNet) lookupsOf(host string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.lookups[host]
}

func (n *testNet) connects() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dialled...)
}

// safetyNet refuses, and fails the test on, any address beyond loopback
// that the guard let through, before a packet is sent.
func (n *testNet) safetyNet(next fetch.DialFunc) fetch.DialFunc {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		n.mu.Lock()
		n.dialled = append(n.dialled, address)
		n.mu.Unlock()
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			n.t.Errorf("connect to %q: not an address the guard vetted", address)
			return nil, errors.New("test net: not an address")
		}
		switch a := ap.Addr().Unmap(); {
		case n.public[a]:
			address = netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), ap.Port()).String()
		case !a.IsLoopback():
			n.t.Errorf("connect to %s: beyond loopback, the guard let it through", address)
			return nil, errors.New("test net: beyond loopback")
		}
		return next(ctx, network, address)
	}
}

// newClientOn builds a client on the tests' net. The per-host rate limit is
// off unless opts sets one, so that tests do not wait on it.
func newClientOn(t *testing.T, n *testNet, opts fetch.Options) *fetch.Client {
	t.Helper()
	if opts.UserAgent == "" {
		opts.UserAgent = "watchroom-test/1.0 (+https://example.org/contact)"
	}
	if opts.PerHostRate == 0 {
		opts.PerHostRate = rate.Inf
	}
	if opts.Resolver == nil {
		opts.Resolver = n
	}
	c, err := fetch.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.WrapConnect(n.safetyNet)
	return c
}
