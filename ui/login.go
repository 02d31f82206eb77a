package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

func (s *Server) loginPage(c echo.Context) error {
	return s.render(c, http.StatusOK, "login.html", page{Title: "Sign in"})
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	pw := c.FormValue("password")
	ip := c.RealIP()
	fail := func(status int, msg string) error {
		return s.render(c, status, "login.html", page{Title: "Sign in", Error: msg, Username: name})
	}
	if !s.limiter.allow("ip:"+ip, "user:"+strings.ToLower(name)) {
		_ = s.store.Audit(ctx, watch.AuditEntry{Actor: name, Action: "login_throttled", Target: "user:" + name, Detail: "from=" + ip})
		return fail(http.StatusTooManyRequests, "Too many sign-in attempts. Wait a minute and try again.")
	}
	u, err := s.store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	hash := s.dummyHash()
	if err == nil {
		hash = []byte(u.PasswordHash)
	}
	if !passwordMatches(hash, pw) || err != nil || u.Disabled {
		_ = s.store.Audit(ctx, watch.AuditEntry{Actor: name, Action: "login_failed", Target: "user:" + name, Detail: "from=" + ip})
		return fail(http.StatusUnauthorized, "The name or password is wrong.")
	}
	tok := newToken()
	if err := s.store.CreateSession(ctx, tokenHash(tok), u, s.opts.SessionTTL, ip); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteStrictMode, MaxAge: int(s.opts.SessionTTL.Seconds())})
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) logout(c echo.Context) error {
	u, _ := userFrom(c)
	if h, ok := c.Get("session").(string); ok {
		if err := s.store.DeleteSession(c.Request().Context(), h, u.Name); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteStrictMode, MaxAge: -1})
	return c.Redirect(http.StatusSeeOther, "/login")
}
