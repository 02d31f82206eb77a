package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"reflect"
	"testing"
)

// tableResolver answers from a map; a missing name is an error.
type tableResolver map[string][]netip.Addr

func (r tableResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

func TestDial(t *testing.T) {
	resolver := tableResolver{
		"two.example":    addrs("1.1.1.1", "8.8.8.8"),
		"mixed.example":  addrs("8.8.8.8", "192.168.1.1"),
		"dual.example":   addrs("2606:4700:4700::1111", "1.1.1.1"),
		"mapped.example": addrs("::ffff:1.1.1.1"),
		"empty.example":  nil,
	}
	tests := []struct {
		name     string
		network  string
		address  string
		failing  string   // an address whose connect fails
		class    Class    // of the error; "" with a nil want means success
		connects []string // what reached the connect step
	}{
		{"IP literal, no lookup", "tcp", "8.8.8.8:443", "", "", []string{"8.8.8.8:443"}},
		{"first address", "tcp", "two.example:80", "", "", []string{"1.1.1.1:80"}},
		{"next address after a failure", "tcp", "two.example:80", "1.1.1.1:80", "", []string{"1.1.1.1:80", "8.8.8.8:80"}},
		{"one private answer refuses the name", "tcp", "mixed.example:80", "", ClassRefused, nil},
		{"private literal", "tcp", "10.0.0.1:80", "", ClassRefused, nil},
		{"IPv4 only", "tcp4", "dual.example:80", "", "", []string{"1.1.1.1:80"}},
		{"IPv6 only", "tcp6", "dual.example:80", "", "", []string{"[2606:4700:4700::1111]:80"}},
		{"IPv4-mapped answer dialled as IPv4", "tcp", "mapped.example:443", "", "", []string{"1.1.1.1:443"}},
		{"unknown name", "tcp", "nowhere.example:80", "", ClassDNS, nil},
		{"no address", "tcp", "empty.example:80", "", ClassDNS, nil},
		{"no address of the family", "tcp6", "two.example:80", "", ClassDNS, nil},
		{"bad port", "tcp", "two.example:http", "", ClassBadURL, nil},
		{"no port", "tcp", "two.example", "", ClassBadURL, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			d := &dialer{resolver: resolver, connect: func(_ context.Context, _, address string) (net.Conn, error) {
				got = append(got, address)
				if address == tt.failing {
					return nil, errors.New("connection refused")
				}
				c, _ := net.Pipe()
				return c, nil
			}}
			conn, err := d.dial(context.Background(), tt.network, tt.address)
			if conn != nil {
				conn.Close()
			}
			if ClassOf(err) != tt.class || (tt.class == "" && err != nil) {
				t.Fatalf("err = %v (class %q), want class %q", err, ClassOf(err), tt.class)
			}
			if !reflect.DeepEqual(got, tt.connects) {
				t.Errorf("connects %v, want %v", got, tt.connects)
			}
		})
	}
}

// A lookup cut short by the request's own context is not a DNS failure:
// classify turns it into a timeout or passes the cancellation on.
func TestDialLookupCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := &dialer{resolver: cancelledResolver{}}
	_, err := d.dial(ctx, "tcp", "slow.example:80")
	if !errors.Is(err, context.Canceled) || ClassOf(err) != "" {
		t.Fatalf("err = %v (class %q), want context.Canceled and no class", err, ClassOf(err))
	}
}

type cancelledResolver struct{}

func (cancelledResolver) LookupNetIP(ctx context.Context, _, _ string) ([]netip.Addr, error) {
	return nil, ctx.Err()
}
