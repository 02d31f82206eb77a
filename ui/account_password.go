package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// passwordPage is the "Choose a new password" form.
type passwordPage struct {
	Forced bool // after a reset: nothing else opens until it is done
}

func (s *Server) passwordForm(c echo.Context) error {
	u, _ := userFrom(c)
	return s.render(c, http.StatusOK, "account_password.html", page{Title: "Choose a new password", Password: passwordPage{Forced: u.MustChange}})
}

// changePassword sets the person's own password: the current one (or the
// temporary one from a reset) first, then a new one that passes
// CheckPassword, typed twice. Their other sessions end.
func (s *Server) changePassword(c echo.Context) error {
	u, _ := userFrom(c)
	again := func(msg string) error {
		return s.render(c, http.StatusBadRequest, "account_password.html",
			page{Title: "Choose a new password", Error: msg, Password: passwordPage{Forced: u.MustChange}})
	}
	cur, pw := c.FormValue("current"), c.FormValue("new")
	if !passwordMatches([]byte(u.PasswordHash), cur) {
		return again("The current password is wrong.")
	}
	if pw != c.FormValue("confirm") {
		return again("The two new passwords differ.")
	}
	if pw == cur {
		return again("Choose a password other than the current one.")
	}
	if err := CheckPassword(u.Name, pw); err != nil {
		return again("That password is refused: " + reason(err) + ".")
	}
	hash, err := HashPasswordCost(pw, s.opts.PasswordCost)
	if err != nil {
		return again(err.Error())
	}
	keep, _ := c.Get("session").(string)
	if err := s.store.ChangePassword(c.Request().Context(), u.Name, hash, keep); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// reason is CheckPassword's refusal without its "password refused: ".
func reason(err error) string {
	msg := err.Error()
	if p := ErrWeakPassword.Error() + ": "; len(msg) > len(p) && msg[:len(p)] == p {
		return msg[len(p):]
	}
	return msg
}
