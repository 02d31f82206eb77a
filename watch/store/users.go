package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/watchroom/watchroom/watch"
)

// ErrExists is returned when a unique name is taken.
var ErrExists = errors.New("already exists")

// CreateUser adds a user with an already hashed password, audited as done by actor.
func (s *Store) CreateUser(ctx context.Context, u watch.User, actor string) (watch.User, error) {
	if !u.Role.Valid() {
		return u, fmt.Errorf("role %q: %w", u.Role, ErrInvalid)
	}
	err := s.write(ctx, func(t *tx) error {
		u.Created = t.now
		res, err := t.ExecContext(ctx, `INSERT INTO users(name, role, password_hash, team, created) VALUES(?,?,?,?,?)`,
			u.Name, string(u.Role), u.PasswordHash, u.Team, fmtTime(u.Created))
		if err != nil {
			var n int
			if t.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE name = ?`, u.Name).Scan(&n) == nil && n > 0 {
				return fmt.Errorf("user %q: %w", u.Name, ErrExists)
			}
			return fmt.Errorf("create user: %w", err)
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return t.audit(ctx, watch.AuditEntry{Actor: actor, Action: "user_add", Target: "user:" + u.Name, Detail: "role=" + string(u.Role) + " team=" + u.Team})
	})
	return u, err
}

// UserByName looks a user up by name (case-insensitive).
func (s *Store) UserByName(ctx context.Context, name string) (watch.User, error) {
	return s.user(ctx, `SELECT `+userCols+` FROM users WHERE name = ?`, name)
}

// UserByID looks a user up by id.
func (s *Store) UserByID(ctx context.Context, id int64) (watch.User, error) {
	return s.user(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id)
}

// userCols are the columns scanUser reads, in its order.
const userCols = `id, name, role, password_hash, team, disabled, created, deleted, must_change`

func scanUser(r scanner) (watch.User, error) {
	var u watch.User
	var role, created, deleted string
	if err := r.Scan(&u.ID, &u.Name, &role, &u.PasswordHash, &u.Team, &u.Disabled, &created, &deleted, &u.MustChange); err != nil {
		return u, err
	}
	u.Role, u.Created, u.Deleted = watch.Role(role), parseTime(created), parseTime(deleted)
	return u, nil
}

func (s *Store) user(ctx context.Context, q string, arg any) (watch.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, q, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("user %v: %w", arg, ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("user %v: %w", arg, err)
	}
	return u, nil
}

// Users lists every user by name, deleted accounts included (their rows
// keep what they did attributed); password hashes are left out.
func (s *Store) Users(ctx context.Context) ([]watch.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var out []watch.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		out = append(out, u)
	}
	return out, rows.Err()
}
