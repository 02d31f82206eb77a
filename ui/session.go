package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// DefaultSessionIdle is how long a session lasts without activity unless
// configured.
const DefaultSessionIdle = 30 * time.Minute

// touchEvery bounds how often activity is written: a session's last_seen
// moves at most this often, so a busy board costs no write a request.
const touchEvery = 15 * time.Second

// idleFor is how long a session of role may sit without activity.
func (s *Server) idleFor(r watch.Role) time.Duration {
	if d, ok := s.opts.SessionIdleByRole[r]; ok && d > 0 {
		return d
	}
	return s.opts.SessionIdle
}

// activity reports whether a request is a person's doing: a page opened,
// a change made, or the page reporting input (/api/activity). A board's
// own background reads (snapshots, charts, the websocket, the session
// check) are not, so a screen left alone times out.
func activity(c echo.Context) bool {
	r := c.Request()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return true
	}
	return !isAPI(c)
}

// requireSession lets a request through only with a live session; pages
// redirect to the sign-in page, the API answers 401. A session ends at
// its fixed expiry or after its role's idle timeout without activity,
// whichever comes first. A person whose password was reset may do
// nothing but choose a new one.
func (s *Server) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		idleEnded := false
		if ck, err := c.Cookie(s.cookieName(sessionCookieName)); err == nil && ck.Value != "" {
			h := tokenHash(ck.Value)
			ses, err := s.store.SessionByToken(ctx, h)
			switch {
			case errors.Is(err, store.ErrNotFound):
			case err != nil:
				return err
			default:
				now := s.opts.Now()
				idle := s.idleFor(ses.User.Role)
				if !now.Before(ses.Expires) {
					break
				}
				if now.Sub(ses.LastSeen) >= idle {
					if err := s.store.EndIdleSession(ctx, h, ses.User.Name, idle); err != nil {
						return err
					}
					idleEnded = true
					break
				}
				if activity(c) && now.Sub(ses.LastSeen) >= touchEvery {
					if err := s.store.TouchSession(ctx, h); err != nil {
						return err
					}
					ses.LastSeen = now
				}
				c.Set("user", ses.User)
				c.Set("session", h)
				c.Set("idle", idleInfo{Ends: ses.LastSeen.Add(idle), Idle: idle})
				if ses.User.MustChange && !mayWhileMustChange(c) {
					if isAPI(c) {
						return echo.NewHTTPError(http.StatusForbidden, "choose a new password first")
					}
					return c.Redirect(http.StatusSeeOther, "/account/password")
				}
				return next(c)
			}
		}
		if isAPI(c) {
			return echo.NewHTTPError(http.StatusUnauthorized, "sign in first")
		}
		if idleEnded {
			return c.Redirect(http.StatusSeeOther, "/login?ended=idle")
		}
		return c.Redirect(http.StatusSeeOther, "/login")
	}
}

// mayWhileMustChange: what a person with a reset password may open.
func mayWhileMustChange(c echo.Context) bool {
	p := c.Request().URL.Path
	return p == "/account/password" || p == "/logout" || p == "/api/session" || p == "/api/activity" || strings.HasPrefix(p, "/static/")
}

// idleInfo is when a session ends if nothing more is done, for the header.
type idleInfo struct {
	Ends time.Time
	Idle time.Duration
}

// Minutes is the idle timeout in whole minutes, as the header says it.
func (i idleInfo) Minutes() int { return int((i.Idle + time.Minute - 1) / time.Minute) }

// sessionState answers the page's question "is my session still alive,
// and until when if idle?" without counting as activity (GET /api/session);
// POST /api/activity is the page reporting a person's input, and answers
// the same.
func (s *Server) sessionState(c echo.Context) error {
	info, _ := c.Get("idle").(idleInfo)
	return c.JSON(http.StatusOK, map[string]any{"idle_ends": info.Ends.UTC().Format(time.RFC3339), "idle_seconds": int(info.Idle / time.Second)})
}
