package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// ErrLastAdmin refuses a change that would leave no admin able to sign in.
var ErrLastAdmin = errors.New("the last active admin cannot lose access")

// changeUser runs fn on the live (not deleted) account called name and
// audits action by actor with detail, in one transaction. fn gets the
// account as it was.
func (s *Store) changeUser(ctx context.Context, name, actor, action string, fn func(t *tx, u watch.User) (detail string, err error)) error {
	return s.write(ctx, func(t *tx) error {
		u, err := scanUser(t.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) || err == nil && !u.Deleted.IsZero() {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("user %q: %w", name, err)
		}
		detail, err := fn(t, u)
		if err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: actor, Action: action, Target: "user:" + u.Name, Detail: detail})
	})
}

// keepAnAdmin refuses when u is the only enabled admin left.
func keepAnAdmin(ctx context.Context, t *tx, u watch.User) error {
	if u.Role != watch.RoleAdmin || u.Disabled {
		return nil
	}
	var n int
	if err := t.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND deleted = '' AND id != ?`, u.ID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrLastAdmin
	}
	return nil
}

func revokeAll(ctx context.Context, t *tx, userID int64, keep string) (int64, error) {
	res, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND token_hash != ?`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	return res.RowsAffected()
}

// SetUserDisabled disables (ending every session) or enables an account.
func (s *Store) SetUserDisabled(ctx context.Context, name string, disabled bool, actor string) error {
	action := "user_enable"
	if disabled {
		action = "user_disable"
	}
	return s.changeUser(ctx, name, actor, action, func(t *tx, u watch.User) (string, error) {
		if disabled {
			if err := keepAnAdmin(ctx, t, u); err != nil {
				return "", err
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, disabled, u.ID); err != nil {
			return "", fmt.Errorf("disable user: %w", err)
		}
		if !disabled {
			return "", nil
		}
		n, err := revokeAll(ctx, t, u.ID, "")
		return fmt.Sprintf("sessions_ended=%d", n), err
	})
}

// SetUserRole changes an account's role; its sessions carry the new role
// from their next request.
func (s *Store) SetUserRole(ctx context.Context, name string, role watch.Role, actor string) error {
	if !role.Valid() {
		return fmt.Errorf("role %q: %w", role, ErrInvalid)
	}
	return s.changeUser(ctx, name, actor, "user_role", func(t *tx, u watch.User) (string, error) {
		if role != watch.RoleAdmin {
			if err := keepAnAdmin(ctx, t, u); err != nil {
				return "", err
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(role), u.ID); err != nil {
			return "", fmt.Errorf("set role: %w", err)
		}
		return "from=" + string(u.Role) + " to=" + string(role), nil
	})
}

// SetUserTeam changes an account's neighbourhood team ("" for none).
func (s *Store) SetUserTeam(ctx context.Context, name, team, actor string) error {
	return s.changeUser(ctx, name, actor, "user_team", func(t *tx, u watch.User) (string, error) {
		if _, err := t.ExecContext(ctx, `UPDATE users SET team = ? WHERE id = ?`, team, u.ID); err != nil {
			return "", fmt.Errorf("set team: %w", err)
		}
		return "from=" + u.Team + " to=" + team, nil
	})
}

// DeleteUser ends an account for good. The row stays as a tombstone (no
// password, disabled, deleted time set) so the audit log, annotations
// and decisions keep the person's name; every session ends.
func (s *Store) DeleteUser(ctx context.Context, name, actor string) error {
	return s.changeUser(ctx, name, actor, "user_delete", func(t *tx, u watch.User) (string, error) {
		if err := keepAnAdmin(ctx, t, u); err != nil {
			return "", err
		}
		if _, err := t.ExecContext(ctx, `UPDATE users SET disabled = 1, must_change = 0, password_hash = '!', deleted = ? WHERE id = ?`,
			fmtTime(t.now), u.ID); err != nil {
			return "", fmt.Errorf("delete user: %w", err)
		}
		n, err := revokeAll(ctx, t, u.ID, "")
		return fmt.Sprintf("sessions_ended=%d", n), err
	})
}

// ResetPassword sets a temporary password an admin hands over: every
// session of the account ends and the next sign-in must choose a new one.
func (s *Store) ResetPassword(ctx context.Context, name, hash, actor string) error {
	return s.changeUser(ctx, name, actor, "password_reset", func(t *tx, u watch.User) (string, error) {
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change = 1 WHERE id = ?`, hash, u.ID); err != nil {
			return "", fmt.Errorf("reset password: %w", err)
		}
		n, err := revokeAll(ctx, t, u.ID, "")
		return fmt.Sprintf("sessions_ended=%d", n), err
	})
}

// ChangePassword is a person choosing their own password: every other
// session of theirs ends; keep is the hash of the session they use.
func (s *Store) ChangePassword(ctx context.Context, name, hash, keep string) error {
	return s.changeUser(ctx, name, name, "password_change", func(t *tx, u watch.User) (string, error) {
		if _, err := t.ExecContext(ctx, `UPDATE users SET password_hash = ?, must_change = 0 WHERE id = ?`, hash, u.ID); err != nil {
			return "", fmt.Errorf("change password: %w", err)
		}
		n, err := revokeAll(ctx, t, u.ID, keep)
		return fmt.Sprintf("other_sessions_ended=%d", n), err
	})
}

// RevokeSessions signs a person out everywhere and returns how many
// sessions ended.
func (s *Store) RevokeSessions(ctx context.Context, name, actor string) (int64, error) {
	var n int64
	err := s.changeUser(ctx, name, actor, "sessions_revoke", func(t *tx, u watch.User) (string, error) {
		var err error
		n, err = revokeAll(ctx, t, u.ID, "")
		return fmt.Sprintf("sessions_ended=%d", n), err
	})
	return n, err
}

// Session is a signed-in session as the console checks it.
type Session struct {
	User     watch.User
	Created  time.Time
	LastSeen time.Time // the last activity; Created before any
	Expires  time.Time // the absolute end, whatever the activity
}

// SessionByToken returns the session under tokenHash, whether or not it
// has ended (the caller decides by its idle timeout); ErrNotFound when
// there is none or its account is disabled.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string) (Session, error) {
	var uid int64
	var created, lastSeen, expires string
	err := s.r.QueryRowContext(ctx, `SELECT user_id, created, last_seen, expires FROM sessions WHERE token_hash = ?`, tokenHash).
		Scan(&uid, &created, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	if err != nil {
		return Session{}, fmt.Errorf("session: %w", err)
	}
	ses := Session{Created: parseTime(created), LastSeen: parseTime(lastSeen), Expires: parseTime(expires)}
	if ses.LastSeen.IsZero() {
		ses.LastSeen = ses.Created
	}
	if ses.User, err = s.UserByID(ctx, uid); err != nil {
		return Session{}, err
	}
	if ses.User.Disabled || !ses.User.Deleted.IsZero() {
		return Session{}, ErrNotFound
	}
	return ses, nil
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, tokenHash string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.ExecContext(ctx, `UPDATE sessions SET last_seen = ? WHERE token_hash = ?`, fmtTime(t.now), tokenHash)
		return err
	})
}

// EndIdleSession deletes a session that timed out and audits it.
func (s *Store) EndIdleSession(ctx context.Context, tokenHash, user string, idle time.Duration) error {
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		if err != nil {
			return fmt.Errorf("end session: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return t.audit(ctx, watch.AuditEntry{Actor: "system", Action: "session_idle", Target: "user:" + user, Detail: "idle=" + idle.String()})
	})
}
