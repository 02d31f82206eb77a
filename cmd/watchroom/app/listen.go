package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/watchroom/watchroom/ui"
)

// Web is the console's HTTP server on its listener, as the config says:
// TLS or plain HTTP, deadlines for slow clients and a cap on the
// connections of each peer.
type Web struct {
	srv       *http.Server
	ln        net.Listener
	cert, key string // TLS certificate and key files; empty: plain HTTP
}

// Listen opens the console's listener on addr (the config's listen
// address, or a test's).
func (a *App) Listen(addr string) (*Web, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s := a.cfg.Server
	// ReadTimeout covers the head as well: a head may never have longer
	// than the whole request. A board's websocket sets deadlines of its
	// own once upgraded (ui/live), so it is held to neither.
	head := min(s.ReadHeaderTimeout, s.ReadTimeout)
	return &Web{
		srv:  &http.Server{Handler: a.Handler(), ReadHeaderTimeout: head, ReadTimeout: s.ReadTimeout, IdleTimeout: s.IdleTimeout},
		ln:   ui.LimitPerPeer(ln, s.MaxConnsPerAddr),
		cert: s.TLSCert, key: s.TLSKey,
	}, nil
}

// URL is where the console is reached on its listener.
func (w *Web) URL() string {
	scheme := "http"
	if w.cert != "" {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/", scheme, w.ln.Addr())
}

// Serve serves until Shutdown or Close; it returns nil then.
func (w *Web) Serve() error {
	var err error
	if w.cert != "" {
		err = w.srv.ServeTLS(w.ln, w.cert, w.key)
	} else {
		err = w.srv.Serve(w.ln)
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops taking connections and waits for requests in flight.
func (w *Web) Shutdown(ctx context.Context) error { return w.srv.Shutdown(ctx) }

// Close closes the listener and every connection at once.
func (w *Web) Close() error { return w.srv.Close() }
