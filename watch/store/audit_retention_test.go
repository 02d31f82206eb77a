package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
)

// A log of six searches a day apart, a checkpoint after the third; the
// audit class (3 days, here) removes the oldest rows: the search terms go,
// the chain and every checkpoint still verify, and new checkpoints count
// the removed rows.
func TestPruneAuditKeepsTheChainVerifiable(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sign := func(cp *watch.AuditCheckpoint) {
		cp.Sign("sha256:test", func(m []byte) []byte { return ed25519.Sign(priv, m) })
	}
	var cps []watch.AuditCheckpoint
	for i := 1; i <= 6; i++ {
		if err := s.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "search", Target: "board:all", Detail: fmt.Sprintf("q=secret%d", i)}); err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			cp, _ := s.AddAuditCheckpoint(ctx, sign)
			cps = append(cps, cp)
		}
		c.Add(24 * time.Hour)
	}
	// now: day 6; rows of days 0..5; a 3-day class removes days 0, 1, 2
	p, err := s.PruneAudit(ctx, 3*24*time.Hour+time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 3 || p.ThroughID != 3 {
		t.Fatalf("removed %+v, want rows 1-3", p)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM audit WHERE detail LIKE '%secret1%' OR detail LIKE '%secret3%'`); n != 0 {
		t.Fatal("the removed search terms are still in the log")
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("chain after the removal: %v", err)
	}
	after, _ := s.AddAuditCheckpoint(ctx, sign)
	if after.Rows != 7 || after.HeadID != 7 {
		t.Fatalf("checkpoint after the removal: %+v, want 7 rows ever written (3 removed, 3 kept, the removal's own)", after)
	}
	cps = append(cps, after)
	r, err := s.CheckAudit(ctx, cps)
	if err != nil || !r.OK() || r.Rows != 7 || r.Removed != 3 || len(r.Prunes) != 1 {
		t.Fatalf("check after the removal: %+v %v", r, err)
	}
	log, _ := s.AuditLog(ctx, 1)
	if log[0].Action != "audit_prune" || !strings.Contains(log[0].Detail, "rows=3") {
		t.Fatalf("the removal's own entry: %+v", log[0])
	}
	// outside a removal the log still refuses deletion
	if _, err := s.w.Exec(`DELETE FROM audit WHERE id = 4`); err == nil {
		t.Fatal("a row was deleted outside a removal")
	}
	// nothing more is due: no second removal, no entry
	if p, _ := s.PruneAudit(ctx, 3*24*time.Hour+time.Hour); p.Rows != 0 {
		t.Fatalf("second removal %+v", p)
	}
	// a truncation after the removal is still a truncation
	if _, err := s.w.Exec(`DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 5`); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.CheckAudit(ctx, cps); r.OK() || r.Findings[0].Kind != watch.AuditTruncated {
		t.Fatalf("truncated after a removal: %+v", r)
	}
}

// Rows deleted from the start with a removal record written by hand that
// claims an old class: the checkpoint made within the class, whose head
// is before the removed rows, shows they were too young.
func TestForgedAuditRemovalIsCaught(t *testing.T) {
	s, c, _ := open(t)
	ctx := context.Background()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sign := func(cp *watch.AuditCheckpoint) {
		cp.Sign("sha256:test", func(m []byte) []byte { return ed25519.Sign(priv, m) })
	}
	for i := 1; i <= 6; i++ {
		s.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "search", Target: "board:all", Detail: fmt.Sprintf("q=%d", i)})
		c.Add(time.Minute)
	}
	cp, _ := s.AddAuditCheckpoint(ctx, sign)
	for i := 7; i <= 9; i++ {
		s.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "export", Target: "board:all", Detail: fmt.Sprintf("q=%d", i)})
	}
	var hash string
	s.r.QueryRow(`SELECT hash FROM audit WHERE id = 8`).Scan(&hash)
	now := c.Now()
	_, err := s.w.Exec(`INSERT INTO audit_prunes(at, older_than, through_id, through_hash, through_at, rows) VALUES(?,?,?,?,?,?);
		DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id <= 8`,
		fmtTime(now), (6 * 365 * 24 * time.Hour).String(), 8, hash, fmtTime(now.Add(-7*365*24*time.Hour)), 8)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.CheckAudit(ctx, []watch.AuditCheckpoint{cp})
	if err != nil || r.OK() || r.Findings[0].Kind != watch.AuditUnlawful {
		t.Fatalf("forged removal: %+v %v", r, err)
	}
	// and one claiming a removed row's real time is caught by its own claim
	s2, c2, _ := open(t)
	for i := 1; i <= 3; i++ {
		s2.Audit(ctx, watch.AuditEntry{Actor: "a", Action: "search", Target: "t", Detail: "d"})
	}
	c2.Add(time.Hour)
	var h2, at2 string
	s2.r.QueryRow(`SELECT hash, at FROM audit WHERE id = 2`).Scan(&h2, &at2)
	s2.w.Exec(`INSERT INTO audit_prunes(at, older_than, through_id, through_hash, through_at, rows) VALUES(?,?,?,?,?,?);
		DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id <= 2`, fmtTime(c2.Now()), "720h", 2, h2, at2, 2)
	if r, _ := s2.CheckAudit(ctx, nil); r.OK() || r.Findings[0].Kind != watch.AuditUnlawful {
		t.Fatalf("a removal younger than its own class: %+v", r)
	}
	// without any removal record, rows gone from the start break the chain
	s3, _, _ := open(t)
	for i := 1; i <= 3; i++ {
		s3.Audit(ctx, watch.AuditEntry{Actor: "a", Action: "search", Target: "t", Detail: "d"})
	}
	s3.w.Exec(`DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 1`)
	if r, _ := s3.CheckAudit(ctx, nil); r.OK() || r.Findings[0].Kind != watch.AuditBroken {
		t.Fatalf("rows removed from the start without a record: %+v", r)
	}
}
