package ui

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/watchroom/watchroom/watch"
)

func (s *Server) healthz(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// readyz answers 200 once the database answers and the rest of the
// process (the scheduler) says it is ready.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "database: "+err.Error()+"\n")
	}
	if s.opts.Ready != nil {
		if err := s.opts.Ready(ctx); err != nil {
			return c.String(http.StatusServiceUnavailable, err.Error()+"\n")
		}
	}
	return c.String(http.StatusOK, "ready\n")
}

// metrics are served to scrapers on loopback, and to signed-in admins.
func (s *Server) metrics(c echo.Context) error {
	host, _, _ := net.SplitHostPort(c.Request().RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return s.requireSession(requireRole(watch.RoleAdmin)(s.serveMetrics))(c)
	}
	return s.serveMetrics(c)
}

func (s *Server) serveMetrics(c echo.Context) error {
	promhttp.HandlerFor(s.opts.Metrics, promhttp.HandlerOpts{}).ServeHTTP(c.Response(), c.Request())
	return nil
}
