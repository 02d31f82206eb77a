package ui

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

func (s *Server) loginPage(c echo.Context) error {
	p := page{Title: "Sign in"}
	if c.QueryParam("ended") == "idle" {
		p.Error = "You were signed out after a time without activity. Sign in again."
	}
	if c.QueryParam("ended") == "access" {
		p.Error = "Your session ended or your access changed. Sign in again."
	}
	return s.render(c, http.StatusOK, "login.html", p)
}

func (s *Server) login(c echo.Context) error {
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("username"))
	pw := c.FormValue("password")
	addr := c.RealIP()
	fail := func(status int, msg string) error {
		return s.render(c, status, "login.html", page{Title: "Sign in", Error: msg, Username: name})
	}
	u, err := s.store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	known := err == nil
	who := name // what the audit log calls the person trying
	if !known {
		// a name that is no account may be a password typed in the
		// wrong field: the log keeps only its keyed hash
		if who, err = s.unknownName(ctx, name); err != nil {
			return err
		}
	}
	if wait := s.throttle.wait(name, addr); wait > 0 {
		_ = s.store.Audit(ctx, watch.AuditEntry{Actor: who, Action: "login_throttled", Target: "user:" + who, Detail: "from=" + addr})
		secs := int((wait + time.Second - 1) / time.Second)
		c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		return fail(http.StatusTooManyRequests, "Too many wrong tries from here for this name. Try again in "+waitText(secs)+".")
	}
	hash := s.dummyHash()
	if known {
		hash = []byte(u.PasswordHash)
	}
	if !passwordMatches(hash, pw) || !known || u.Disabled {
		s.throttle.fail(name, addr)
		_ = s.store.Audit(ctx, watch.AuditEntry{Actor: who, Action: "login_failed", Target: "user:" + who, Detail: "from=" + addr})
		return fail(http.StatusUnauthorized, "The name or password is wrong.")
	}
	s.throttle.succeed(name, addr)
	tok := newToken()
	if err := s.store.CreateSession(ctx, tokenHash(tok), u, s.opts.SessionTTL, addr); err != nil {
		return err
	}
	s.setCookie(c, sessionCookieName, tok, int(s.opts.SessionTTL.Seconds()))
	s.setCookie(c, preCookieName, "", -1) // the token of the form just used dies with it
	return c.Redirect(http.StatusSeeOther, "/")
}

func waitText(secs int) string {
	if secs < 120 {
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}

// nameKey is the installation's key for hashing names that are no
// account, read from the database once.
type nameKey struct {
	mu  sync.Mutex
	key []byte
}

// unknownName is how the audit log records a name that is no account:
// "unknown:" and the first 16 hex digits of its HMAC-SHA256 under the
// installation's secret. Repeated tries of one name show as one value;
// the name cannot be read back, nor guessed from the log without the
// database's secret.
func (s *Server) unknownName(ctx context.Context, name string) (string, error) {
	s.nameKey.mu.Lock()
	defer s.nameKey.mu.Unlock()
	if s.nameKey.key == nil {
		k, err := s.store.Secret(ctx, "unknown_names")
		if err != nil {
			return "", err
		}
		s.nameKey.key = k
	}
	m := hmac.New(sha256.New, s.nameKey.key)
	m.Write([]byte(strings.ToLower(name)))
	return "unknown:" + hex.EncodeToString(m.Sum(nil))[:16], nil
}

func (s *Server) logout(c echo.Context) error {
	u, _ := userFrom(c)
	if h, ok := c.Get("session").(string); ok {
		if err := s.store.DeleteSession(c.Request().Context(), h, u.Name); err != nil {
			return err
		}
	}
	s.setCookie(c, sessionCookieName, "", -1)
	return c.Redirect(http.StatusSeeOther, "/login")
}
