package fetch

import (
	"context"
	"crypto/x509"
	"net"
)

// DialFunc is the shape of the connect step tests wrap.
type DialFunc = func(ctx context.Context, network, address string) (net.Conn, error)

// WrapConnect wraps the last step before a connection is made, under the
// guard: tests put a net there that fails on any address beyond loopback,
// so a broken guard fails a test instead of reaching the address.
func (c *Client) WrapConnect(wrap func(next DialFunc) DialFunc) {
	c.dial.connect = wrap(c.dial.connect)
}

// Trust makes the client accept certificates signed by pool (an httptest
// TLS server's).
func (c *Client) Trust(pool *x509.CertPool) {
	c.tr.TLSClientConfig.RootCAs = pool
}
