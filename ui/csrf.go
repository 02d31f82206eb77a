package ui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Cookie names. Where the outside is HTTPS they carry the __Host- prefix,
// which browsers accept only from a secure origin, with Secure, Path=/
// and no Domain: no sibling host or plain-HTTP page can plant one.
const (
	sessionCookieName = "wr_session"
	// preCookieName binds the sign-in form's CSRF token to a browser
	// before there is a session.
	preCookieName = "wr_pre"
)

func (s *Server) cookieName(base string) string {
	if s.opts.Secure {
		return "__Host-" + base
	}
	return base
}

// setCookie sets (or, with maxAge < 0, clears) one of the console's
// cookies, always HttpOnly, SameSite=Strict and Path=/.
func (s *Server) setCookie(c echo.Context, base, value string, maxAge int) {
	c.SetCookie(&http.Cookie{Name: s.cookieName(base), Value: value, Path: "/", HttpOnly: true,
		Secure: s.opts.Secure, SameSite: http.SameSiteStrictMode, MaxAge: maxAge})
}

// csrfToken is the token a page's forms and scripts send back: the
// HMAC, under the installation's secret, of the session the browser
// holds, or before sign-in of its pre-session cookie. A caller cannot
// choose it (a cookie equal to a header proves nothing), it is worth
// nothing with another session, and it changes when the session does:
// at sign-in and sign-out.
func (s *Server) csrfToken(binding string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfBinding is what the request's token is tied to: its session's
// token hash, or its pre-session cookie (made here when missing).
func (s *Server) csrfBinding(c echo.Context) string {
	if ck, err := c.Cookie(s.cookieName(sessionCookieName)); err == nil && ck.Value != "" {
		return "session:" + tokenHash(ck.Value)
	}
	if ck, err := c.Cookie(s.cookieName(preCookieName)); err == nil && ck.Value != "" {
		return "pre:" + tokenHash(ck.Value)
	}
	if c.Request().Method != http.MethodGet && c.Request().Method != http.MethodHead {
		return "" // a write with no cookie at all has no token to match
	}
	v := newToken()
	s.setCookie(c, preCookieName, v, 0)
	return "pre:" + tokenHash(v)
}

// csrf checks the token of every request that changes something (header
// X-CSRF-Token or form field _csrf) and gives pages theirs.
func (s *Server) csrf(skip func(echo.Context) bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			binding := s.csrfBinding(c)
			want := ""
			if binding != "" {
				want = s.csrfToken(binding)
			}
			switch c.Request().Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			default:
				got := c.Request().Header.Get("X-CSRF-Token")
				if got == "" {
					got = c.FormValue("_csrf")
				}
				if got == "" {
					return echo.NewHTTPError(http.StatusBadRequest, "missing CSRF token")
				}
				if want == "" || !hmac.Equal([]byte(got), []byte(want)) {
					return echo.NewHTTPError(http.StatusForbidden, "invalid CSRF token; reload the page")
				}
			}
			c.Set("csrf", want)
			return next(c)
		}
	}
}
