package fetch

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
)

func TestRefusal(t *testing.T) {
	tests := []struct {
		addr    string
		refused bool
	}{
		// Public addresses.
		{"8.8.8.8", false},
		{"1.1.1.1", false},
		{"93.184.216.34", false},
		{"100.63.255.255", false},
		{"100.128.0.0", false},
		{"172.15.255.255", false},
		{"172.32.0.0", false},
		{"192.0.1.1", false},
		{"198.17.255.255", false},
		{"198.20.0.0", false},
		{"223.255.255.255", false},
		{"2606:4700:4700::1111", false},
		{"2a00:1450:4009:81f::200e", false},
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", false},  // 6to4 of 8.8.8.8

		// IPv4 special purpose.
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"10.0.0.1", true},
		{"10.255.255.255", true},
		{"100.64.0.1", true},
		{"100.127.255.254", true},
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"169.254.169.254", true}, // cloud metadata
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.0.0.8", true},
		{"192.0.2.1", true},
		{"192.168.1.1", true},
		{"198.18.0.1", true},
		{"198.19.255.255", true},
		{"198.51.100.7", true},
		{"203.0.113.9", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"240.0.0.1", true},
		{"255.255.255.255", true},

		// IPv6 special purpose.
		{"::", true},
		{"::1", true},
		{"::127.0.0.1", true}, // IPv4-compatible
		{"fc00::1", true},
		{"fd12:3456:789a::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"fec0::1", true},
		{"ff02::1", true},
		{"2001:db8::1", true},
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", true}, // Teredo
		{"100::1", true},
		{"64:ff9b:1::1", true},

		// IPv4 hidden in IPv6.
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.1.2.3", true},
		{"::ffff:169.254.169.254", true},
		{"64:ff9b::7f00:1", true},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", true}, // NAT64 of 169.254.169.254
		{"2002:7f00:1::1", true},     // 6to4 of 127.0.0.1
		{"2002:c0a8:101::1", true},   // 6to4 of 192.168.1.1
	}
	var g guard
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			why := g.refusal(netip.MustParseAddr(tt.addr))
			if (why != "") != tt.refused {
				t.Fatalf("refusal(%s) = %q, want refused=%v", tt.addr, why, tt.refused)
			}
		})
	}
}

func TestRefusalAllow(t *testing.T) {
	g := guard{allow: []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("10.1.0.0/16"),
		netip.MustParsePrefix("fd00::/8"),
	}}
	tests := []struct {
		addr    string
		refused bool
	}{
		{"127.0.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"127.0.0.2", true},
		{"::1", true},
		{"10.1.200.3", false},
		{"10.2.0.1", true},
		{"fd00::5", false},
		{"fc00::5", true},
		{"169.254.169.254", true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			why := g.refusal(netip.MustParseAddr(tt.addr))
			if (why != "") != tt.refused {
				t.Fatalf("refusal(%s) = %q, want refused=%v", tt.addr, why, tt.refused)
			}
		})
	}
}

func TestControl(t *testing.T) {
	var g guard
	tests := []struct {
		address string
		refused bool
	}{
		{"8.8.8.8:443", false},
		{"[2606:4700:4700::1111]:80", false},
		{"127.0.0.1:80", true},
		{"[::1]:443", true},
		{"[fe80::1%lo]:80", true},
		{"not-an-address", true},
	}
	for _, tt := range tests {
		t.Run(tt.address, func(t *testing.T) {
			err := g.control("tcp", tt.address, nil)
			if (err != nil) != tt.refused {
				t.Fatalf("control(%s) = %v, want refused=%v", tt.address, err, tt.refused)
			}
			if err != nil && ClassOf(err) != ClassRefused {
				t.Errorf("class = %q, want refused", ClassOf(err))
			}
		})
	}
}

func TestClassifyNet(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Class
	}{
		{"dns", &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}, ClassDNS},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connect: connection refused")}, ClassConnect},
		{"read timeout", &net.OpError{Op: "read", Err: timeoutErr{}}, ClassTimeout},
		{"tls alert", errors.New("remote error: tls: handshake failure"), ClassTLS},
		{"reset", &net.OpError{Op: "read", Err: errors.New("connection reset by peer")}, ClassConnect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := classifyNet("example.org", tt.err).Class; got != tt.want {
				t.Fatalf("class = %q, want %q", got, tt.want)
			}
		})
	}

	c := &Client{opts: Options{Timeout: DefaultTimeout}}
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	if got := ClassOf(c.classify(ctx, "example.org", context.DeadlineExceeded)); got != ClassTimeout {
		t.Errorf("expired deadline: class = %q, want timeout", got)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
