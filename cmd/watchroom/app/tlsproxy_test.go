package app

import (
	"fmt"
	"net/http"
	"testing"
)

// Behind a named TLS proxy the outside is HTTPS: cookies are Secure,
// though the console itself speaks plain HTTP to the proxy;
// Strict-Transport-Security is the proxy's to send.
func TestBehindTLSProxyCookiesAreSecure(t *testing.T) {
	for _, tt := range []struct {
		proxy  string
		secure bool
	}{{"front nginx", true}, {"", false}} {
		yaml := fmt.Sprintf("server:\n  data_dir: %q\n  tls_proxy: %q\n", tempDataDir(t), tt.proxy)
		_, base, stop := startAppYAML(t, yaml, "127.0.0.1:0")
		r, err := http.Get(base + "/login")
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if len(r.Cookies()) == 0 {
			t.Fatal("the sign-in page sets no cookie")
		}
		for _, c := range r.Cookies() {
			if c.Secure != tt.secure {
				t.Errorf("tls_proxy %q: cookie %s Secure=%v", tt.proxy, c.Name, c.Secure)
			}
		}
		if h := r.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("tls_proxy %q: Strict-Transport-Security %q in plain HTTP", tt.proxy, h)
		}
		stop()
	}
}
