package live

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// Claim is an officer's soft claim on a hit ("working on this"). It stops
// no one: others may still annotate, but every board shows it.
type Claim struct {
	HitID   int64     `json:"hit_id"`
	Name    string    `json:"name"`
	Role    string    `json:"role"`
	At      time.Time `json:"at"`
	Expires time.Time `json:"expires"`
	// gone is when its holder's last connection closed; zero while the
	// holder has a board open.
	gone time.Time
	// ops are the hit's operations: a viewer confined to a team hears of
	// a claim only on a board it shows on.
	ops []string
}

// Operations are the operations of the claimed hit.
func (c Claim) Operations() []string { return c.ops }

// Errors a claim can meet.
var (
	ErrClaimed       = errors.New("the hit is claimed by someone else")
	ErrTooManyClaims = errors.New("too many claims held")
	ErrNotClaimed    = errors.New("the hit is not claimed by this person")
)

// Release reasons, as audited and sent.
const (
	ReleaseDone         = "released"
	ReleaseAnnotated    = "annotated"
	ReleaseExpired      = "expired"
	ReleaseDisconnected = "disconnected"
)

type claimsData struct {
	Claims []Claim `json:"claims"`
}

// Claim marks the hit (of the operations ops) as being worked on by v, or
// renews v's own claim. A hit claimed by another (and not yet expired) is
// refused with ErrClaimed and that claim.
func (h *Hub) Claim(ctx context.Context, hitID int64, ops []string, v Viewer) (Claim, error) {
	now := h.opts.Now().UTC()
	h.cmu.Lock()
	defer h.cmu.Unlock()
	if c, ok := h.claims[hitID]; ok && c.Name != v.Name && now.Before(c.Expires) {
		return *c, ErrClaimed
	}
	held := 0
	for _, c := range h.claims {
		if c.Name == v.Name && c.HitID != hitID {
			held++
		}
	}
	if held >= h.opts.MaxClaims {
		return Claim{}, ErrTooManyClaims
	}
	dropped := false
	if old, ok := h.claims[hitID]; ok && old.Name != v.Name {
		// lapsed, and not swept yet: released as the sweep would
		if err := h.audit(ctx, old.Name, "claim_release", hitID, "reason="+ReleaseExpired); err != nil {
			return Claim{}, err
		}
		delete(h.claims, hitID)
		dropped = true
	}
	c := &Claim{HitID: hitID, Name: v.Name, Role: v.Role, At: now, Expires: now.Add(h.opts.ClaimTTL), ops: slices.Clone(ops)}
	if err := h.audit(ctx, v.Name, "claim", hitID, fmt.Sprintf("expires=%s", c.Expires.Format(time.RFC3339))); err != nil {
		if dropped {
			h.claimsChanged(now) // the lapsed claim is gone all the same
		}
		return Claim{}, err
	}
	h.claims[hitID] = c
	h.claimsChanged(now)
	return *c, nil
}

// Release ends name's claim on the hit; ErrNotClaimed if name holds none.
func (h *Hub) Release(ctx context.Context, hitID int64, name, reason string) error {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	c, ok := h.claims[hitID]
	if !ok || c.Name != name {
		return ErrNotClaimed
	}
	if err := h.audit(ctx, name, "claim_release", hitID, "reason="+reason); err != nil {
		return err
	}
	delete(h.claims, hitID)
	h.claimsChanged(h.opts.Now().UTC())
	return nil
}

// ExpireClaims releases the claims past their time and those whose holder
// has had no board open for ClaimGrace; it returns how many. It reads the
// hub's clock, so a test moves the clock and calls it.
func (h *Hub) ExpireClaims(ctx context.Context) int {
	now := h.opts.Now().UTC()
	h.cmu.Lock()
	defer h.cmu.Unlock()
	n := 0
	for id, c := range h.claims {
		reason := ""
		switch {
		case !now.Before(c.Expires):
			reason = ReleaseExpired
		case !c.gone.IsZero() && now.Sub(c.gone) >= h.opts.ClaimGrace:
			reason = ReleaseDisconnected
		default:
			continue
		}
		if err := h.audit(ctx, c.Name, "claim_release", id, "reason="+reason); err != nil {
			h.logger.Error("audit claim release", "hit", id, "err", err)
		}
		delete(h.claims, id)
		n++
	}
	if n > 0 {
		h.claimsChanged(now)
	}
	return n
}

// Claims returns the current claims, by hit id.
func (h *Hub) Claims() []Claim {
	h.cmu.Lock()
	defer h.cmu.Unlock()
	return h.claimList()
}

func (h *Hub) claimList() []Claim {
	out := make([]Claim, 0, len(h.claims))
	for _, c := range h.claims {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].HitID < out[j].HitID })
	return out
}

func (h *Hub) audit(ctx context.Context, actor, action string, hitID int64, detail string) error {
	if h.opts.Audit == nil {
		return nil
	}
	if err := h.opts.Audit(ctx, watch.AuditEntry{Actor: actor, Action: action, Target: fmt.Sprintf("hit:%d", hitID), Detail: detail}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// claimsChanged encodes the whole list once and sends it to every signed-in
// client (a viewer confined to a team gets its board's part, encoded once
// a board); cmu is held, so sends keep the order of changes and a client
// connecting now gets either this list or a later one last.
func (h *Hub) claimsChanged(now time.Time) {
	h.claimsAt = now
	h.claimsOut, h.claimsBoard = outgoing{}, map[string]outgoing{}
	h.sendEphemeral(h.claimsFor)
}

// claimsFor is the claims message for c, encoded once for all who see
// every claim and once a board for those confined to a team. cmu is held.
func (h *Hub) claimsFor(c *client) (outgoing, bool) {
	if !c.viewer.Confined {
		if h.claimsOut.frame == nil {
			out, err := h.encodeEphemeral(ephemeralMessage{Type: TypeClaims, At: h.claimsAt, Data: claimsData{Claims: h.claimList()}})
			if err != nil {
				h.logger.Error("encode claims", "err", err)
				return outgoing{}, false
			}
			h.claimsOut = out
		}
		return h.claimsOut, true
	}
	if out, ok := h.claimsBoard[c.board]; ok {
		return out, true
	}
	kept := []Claim{}
	for _, cl := range h.claimList() {
		if slices.Contains(cl.ops, c.board) {
			kept = append(kept, cl)
		}
	}
	out, err := h.encodeEphemeral(ephemeralMessage{Type: TypeClaims, At: h.claimsAt, Data: claimsData{Claims: kept}})
	if err != nil {
		h.logger.Error("encode claims", "err", err)
		return outgoing{}, false
	}
	h.claimsBoard[c.board] = out
	return out, true
}

// joined gives a new signed-in client the current claims and keeps its
// holder's claims from lapsing as disconnected.
func (h *Hub) joined(c *client) {
	h.presenceChanged(c.board)
	h.cmu.Lock()
	defer h.cmu.Unlock()
	for _, cl := range h.claims {
		if cl.Name == c.viewer.Name {
			cl.gone = time.Time{}
		}
	}
	if h.claimsAt.IsZero() {
		h.claimsAt = h.opts.Now().UTC()
	}
	if out, ok := h.claimsFor(c); ok {
		h.queueEphemeral(c, out)
	}
}

// left marks its holder's claims as disconnected once the person has no
// board open at all; ExpireClaims releases them after ClaimGrace, so a
// board that reconnects or moves to another board keeps its claims.
func (h *Hub) left(c *client) {
	h.presenceChanged(c.board)
	h.cmu.Lock()
	defer h.cmu.Unlock()
	h.mu.RLock()
	still := h.present.connected(c.viewer.Name)
	h.mu.RUnlock()
	if still {
		return
	}
	now := h.opts.Now().UTC()
	for _, cl := range h.claims {
		if cl.Name == c.viewer.Name && cl.gone.IsZero() {
			cl.gone = now
		}
	}
}
