package config

import (
	"testing"
	"time"
)

func TestListenBeyondLoopbackNeedsTLS(t *testing.T) {
	for _, tt := range []struct {
		name, yaml, problem string
	}{
		{"every interface", lines("server:", "  listen: 0.0.0.0:8080"),
			`w.yaml:2:11: server.listen: "0.0.0.0:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{"empty host", lines("server:", "  listen: ':8080'"),
			`w.yaml:2:11: server.listen: ":8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{"a LAN address", lines("server:", "  listen: 10.1.2.3:8080"),
			`w.yaml:2:11: server.listen: "10.1.2.3:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{"a host name", lines("server:", "  listen: watch.example.org:8080"),
			`w.yaml:2:11: server.listen: "watch.example.org:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{"IPv6 everywhere", lines("server:", "  listen: '[::]:8080'"),
			`w.yaml:2:11: server.listen: "[::]:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
		{"loopback", lines("server:", "  listen: 127.0.0.1:8080"), ""},
		{"loopback v6", lines("server:", "  listen: '[::1]:8080'"), ""},
		{"localhost", lines("server:", "  listen: localhost:0"), ""},
		{"under TLS", lines("server:", "  listen: 0.0.0.0:8443", "  tls_cert: c.pem", "  tls_key: k.pem"), ""},
		{"behind a named TLS proxy", lines("server:", "  listen: 10.1.2.3:8080", "  tls_proxy: front nginx"), ""},
		{"an empty proxy name is no proxy", lines("server:", "  listen: 10.1.2.3:8080", "  tls_proxy: ' '"),
			`w.yaml:2:11: server.listen: "10.1.2.3:8080" is reachable beyond this machine, in plain HTTP: set tls_cert and tls_key, or tls_proxy to the name of the TLS proxy in front, or listen on 127.0.0.1`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.problem == "" {
				if _, err := Parse("w.yaml", []byte(tt.yaml), Options{}); err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			_, err := Parse("w.yaml", []byte(tt.yaml), Options{})
			if err == nil || err.Error() != tt.problem {
				t.Fatalf("Parse: %v\nwant: %s", err, tt.problem)
			}
		})
	}
}

func TestServerLimits(t *testing.T) {
	f, err := Parse("w.yaml", []byte(lines("server:", "  tls_proxy: front nginx", "  read_timeout: 200ms", "  max_conns_per_addr: 3")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantEqual(t, "proxy", f.Server.TLSProxy, "front nginx")
	wantEqual(t, "read timeout", f.Server.ReadTimeout, 200*time.Millisecond)
	wantEqual(t, "idle timeout", f.Server.IdleTimeout, DefaultIdleTimeout)
	wantEqual(t, "cap", f.Server.MaxConnsPerAddr, 3)
	checkProblems(t, lines("server:", "  max_conns_per_addr: -1"), Options{},
		`w.yaml:2:23: server.max_conns_per_addr: want a whole number of connections, 0 for no cap, not "-1"`)
}
