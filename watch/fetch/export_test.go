package fetch

import (
	"context"
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
