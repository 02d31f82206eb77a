package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// accountsPage is the admin's list of accounts and what was just done.
type accountsPage struct {
	Users   []watch.User
	Roles   []watch.Role
	Teams   []string
	Notice  string
	Temp    string // a temporary password from a reset, shown once
	TempFor string
}

var allRoles = []watch.Role{watch.RoleRequester, watch.RoleViewer, watch.RoleOfficer, watch.RoleAnalyst, watch.RoleSupervisor, watch.RoleAdmin}

func (s *Server) adminUserRoutes(g *echo.Group) {
	g.GET("/admin/users", s.accounts, requireRole(watch.RoleAdmin))
	g.POST("/admin/users/:action", s.accountAction, requireRole(watch.RoleAdmin))
}

func (s *Server) accounts(c echo.Context) error {
	return s.renderAccounts(c, http.StatusOK, accountsPage{})
}

func (s *Server) renderAccounts(c echo.Context, code int, p accountsPage) error {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return err
	}
	p.Users, p.Roles, p.Teams = users, allRoles, s.opts.Teams
	return s.render(c, code, "admin_users.html", page{Title: "Accounts", Accounts: p})
}

// accountAction is one change to one account, audited under the admin's
// name: disable, enable, delete, revoke (every session), reset (a
// temporary password shown once) or update (role and team).
func (s *Server) accountAction(c echo.Context) error {
	ctx := c.Request().Context()
	admin, _ := userFrom(c)
	name := c.FormValue("name")
	var p accountsPage
	var err error
	switch c.Param("action") {
	case "disable":
		err, p.Notice = s.store.SetUserDisabled(ctx, name, true, admin.Name), name+" is disabled and signed out everywhere."
	case "enable":
		err, p.Notice = s.store.SetUserDisabled(ctx, name, false, admin.Name), name+" may sign in again."
	case "delete":
		if c.FormValue("confirm") != name {
			return s.renderAccounts(c, http.StatusBadRequest, accountsPage{Notice: "To delete " + name + ", type the name in the box beside Delete."})
		}
		err, p.Notice = s.store.DeleteUser(ctx, name, admin.Name), name+" is deleted; what they did stays under their name."
	case "revoke":
		var n int64
		n, err = s.store.RevokeSessions(ctx, name, admin.Name)
		p.Notice = fmt.Sprintf("%s is signed out everywhere (%d session(s) ended).", name, n)
	case "reset":
		temp := TemporaryPassword()
		var hash string
		if hash, err = HashPasswordCost(temp, s.opts.PasswordCost); err == nil {
			err = s.store.ResetPassword(ctx, name, hash, admin.Name)
		}
		p.Temp, p.TempFor = temp, name
	case "update":
		role, team := watch.Role(c.FormValue("role")), strings.TrimSpace(c.FormValue("team"))
		u, uerr := s.store.UserByName(ctx, name)
		switch {
		case uerr != nil:
			err = uerr
		case !role.Valid():
			err = fmt.Errorf("role %q: %w", role, store.ErrInvalid)
		default:
			if role != u.Role {
				err = s.store.SetUserRole(ctx, name, role, admin.Name)
			}
			if err == nil && team != u.Team {
				err = s.store.SetUserTeam(ctx, name, team, admin.Name)
			}
		}
		p.Notice = fmt.Sprintf("%s is %s, team %q.", name, role, team)
	default:
		return echo.NewHTTPError(http.StatusNotFound, "no such change")
	}
	switch {
	case errors.Is(err, store.ErrLastAdmin):
		return s.renderAccounts(c, http.StatusConflict, accountsPage{Notice: "Refused: " + name + " is the last active admin."})
	case errors.Is(err, store.ErrNotFound):
		return s.renderAccounts(c, http.StatusNotFound, accountsPage{Notice: "There is no account named " + name + "."})
	case errors.Is(err, store.ErrInvalid):
		return s.renderAccounts(c, http.StatusBadRequest, accountsPage{Notice: "That role does not exist."})
	case err != nil:
		return err
	}
	s.CloseEndedSessions(ctx)
	return s.renderAccounts(c, http.StatusOK, p)
}
