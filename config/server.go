package config

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// serverLimits reads how long slow clients may take and how many
// connections one peer may hold.
func (d *decoder) serverLimits(fs map[string]field, s *Server) {
	scalar(d, fs["tls_proxy"], &s.TLSProxy, proxyName)
	scalar(d, fs["read_header_timeout"], &s.ReadHeaderTimeout, parseDuration)
	scalar(d, fs["read_timeout"], &s.ReadTimeout, parseDuration)
	scalar(d, fs["idle_timeout"], &s.IdleTimeout, parseDuration)
	scalar(d, fs["max_conns_per_addr"], &s.MaxConnsPerAddr, parseConnCap)
}

// proxyName is a proxy's name as people call it ("the front nginx"):
// printable, one line; empty is no proxy.
func proxyName(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return "", fmt.Errorf("the proxy's name must be printable text on one line")
		}
	}
	return s, nil
}

func parseConnCap(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("want a whole number of connections, 0 for no cap, not %q", s)
	}
	return n, nil
}

// exposure refuses a console reachable beyond this machine in plain HTTP:
// sign-in passwords and session cookies would cross the network in the
// clear. It runs after the environment's overrides, which may move the
// listen address.
func (d *decoder) exposure(f *File) {
	s := &f.Server
	if s.TLSCert != "" || s.TLSProxy != "" || Loopback(s.Listen) {
		return
	}
	msg := fmt.Sprintf("%q is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, "+
		"or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1", s.Listen)
	if d.listenFromEnv {
		d.probs = append(d.probs, Problem{File: "$WATCHROOM_LISTEN", Path: "server.listen", Msg: msg})
		return
	}
	if d.listenAt.val != nil {
		d.problem(d.listenAt.val, d.listenAt.path, "%s", msg)
		return
	}
	d.probs = append(d.probs, Problem{File: d.name, Path: "server.listen", Msg: msg})
}

// Loopback reports whether a host:port listen address is reachable from
// this machine only: localhost, 127.0.0.0/8 or ::1. An empty host is
// every interface.
func Loopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
