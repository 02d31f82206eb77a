package ui

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/watch"
)

// PasswordCost is bcrypt's work factor for stored passwords.
const PasswordCost = 12

// HashPassword hashes a password with bcrypt (a slow, salted KDF).
func HashPassword(pw string) (string, error) { return HashPasswordCost(pw, PasswordCost) }

// HashPasswordCost is HashPassword with another work factor (tests use the
// minimum to stay fast; production uses PasswordCost). It hashes any
// password of 1 to MaxPasswordLen characters; CheckPassword is the rule
// for passwords people choose.
func HashPasswordCost(pw string, cost int) (string, error) {
	if pw == "" || utf8.RuneCountInString(pw) > MaxPasswordLen {
		return "", fmt.Errorf("a password needs 1 to %d characters", MaxPasswordLen)
	}
	b, err := bcrypt.GenerateFromPassword(bcryptInput(pw), cost)
	return string(b), err
}

// dummyHash is compared against when a user does not exist, so a failed
// sign-in takes as long whether or not the name is known. Made on first use.
func (s *Server) dummyHash() []byte {
	s.dummyOnce.Do(func() {
		s.dummy, _ = bcrypt.GenerateFromPassword(bcryptInput("watchroom-no-such-user"), s.opts.PasswordCost)
	})
	return s.dummy
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(tok string) string {
	s := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(s[:])
}

// userFrom returns the signed-in user the auth middleware put on the context.
func userFrom(c echo.Context) (watch.User, bool) {
	u, ok := c.Get("user").(watch.User)
	return u, ok
}

// requireRole refuses users below min.
func requireRole(min watch.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u, ok := userFrom(c)
			if !ok || !u.Role.AtLeast(min) {
				return echo.NewHTTPError(http.StatusForbidden, "your role may not do this")
			}
			return next(c)
		}
	}
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/" || p == "/ws"
}
