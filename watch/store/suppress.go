package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// An author erased may also be suppressed: their posts are recognised when
// collected and dropped before they are stored (their key goes to seen, so
// a feed that still carries them is not read again). The author is named
// only by the keyed hash the erasure recorded, here too; a suppression for
// one source holds there only, one for every source everywhere. An admin
// lifts it, audited.

// Suppression is one author kept from being collected.
type Suppression struct {
	Target  string    `json:"target"` // author:<keyed hash>, as the erasure names it
	Source  string    `json:"source"` // "" for every source
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Reason  string    `json:"reason"`
	Erasure int64     `json:"erasure"`
}

// ErrNoSuppression is returned when lifting a suppression that is not in force.
var ErrNoSuppression = errors.New("no such suppression")

// authorTarget is how an erasure and a suppression name an author of a
// source ("" for every source): a keyed hash, never the name.
func authorTarget(key []byte, source, author string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(source + "\x1f" + author))
	return "author:" + hex.EncodeToString(mac.Sum(nil))[:32]
}

// loadSuppressions arms the check on collected items when any suppression
// is in force (at open).
func (s *Store) loadSuppressions(ctx context.Context) error {
	var some bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM suppressions)`).Scan(&some); err != nil {
		return fmt.Errorf("suppressions: %w", err)
	}
	if !some {
		return nil
	}
	key, err := s.erasureKey(ctx)
	if err != nil {
		return err
	}
	s.suppressKey.Store(&key)
	return nil
}

// suppressed says whether an item's author is kept from being collected,
// in its source or in every source. Without any suppression it costs
// nothing.
func (t *tx) suppressed(it watch.Item) (bool, error) {
	kp := t.s.suppressKey.Load()
	if kp == nil || it.Author == "" {
		return false, nil
	}
	var n int
	err := t.b.sql.QueryRow(`SELECT COUNT(*) FROM suppressions WHERE target IN (?, ?)`,
		authorTarget(*kp, "", it.Author), authorTarget(*kp, it.SourceID, it.Author)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("suppressions: %w", err)
	}
	return n > 0, nil
}

// Suppressions lists the suppressions in force, newest first.
func (s *Store) Suppressions(ctx context.Context) ([]Suppression, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT target, source, at, by, reason, erasure_id FROM suppressions ORDER BY at DESC, target`)
	if err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	defer rows.Close()
	out := []Suppression{}
	for rows.Next() {
		var sp Suppression
		var at string
		if err := rows.Scan(&sp.Target, &sp.Source, &at, &sp.By, &sp.Reason, &sp.Erasure); err != nil {
			return nil, fmt.Errorf("suppressions: %w", err)
		}
		sp.At = parseTime(at)
		out = append(out, sp)
	}
	return out, rows.Err()
}

// LiftSuppression lets an author's posts be collected again, audited with
// who and why.
func (s *Store) LiftSuppression(ctx context.Context, target, by, reason string) error {
	if strings.TrimSpace(reason) == "" || strings.TrimSpace(by) == "" {
		return fmt.Errorf("%w: lifting a suppression needs who and why", ErrInvalid)
	}
	return s.write(ctx, func(t *tx) error {
		res, err := t.ExecContext(ctx, `DELETE FROM suppressions WHERE target = ?`, target)
		if err != nil {
			return fmt.Errorf("lift suppression: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoSuppression
		}
		return t.audit(ctx, watch.AuditEntry{Actor: by, Action: "suppression_lift", Target: target, Detail: "reason=" + reason})
	})
}
