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

// auditFixture is a log of eight rows with signed checkpoints after the
// fifth and the eighth.
func auditFixture(t *testing.T) (*Store, []watch.AuditCheckpoint, ed25519.PublicKey) {
	t.Helper()
	s, c, _ := open(t)
	ctx := context.Background()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(cp *watch.AuditCheckpoint) {
		cp.Sign("sha256:test", func(m []byte) []byte { return ed25519.Sign(priv, m) })
	}
	var cps []watch.AuditCheckpoint
	for i := 1; i <= 8; i++ {
		c.Add(time.Minute)
		if err := s.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "search", Target: "board:all", Detail: fmt.Sprintf("q=%d", i)}); err != nil {
			t.Fatal(err)
		}
		if i == 5 || i == 8 {
			cp, err := s.AddAuditCheckpoint(ctx, sign)
			if err != nil {
				t.Fatal(err)
			}
			cps = append(cps, cp)
		}
	}
	kept, err := s.AuditCheckpoints(ctx)
	if err != nil || len(kept) != 2 || kept[0] != cps[0] || kept[1].Rows != 8 || kept[1].HeadID != 8 {
		t.Fatalf("kept checkpoints %+v %v, made %+v", kept, err, cps)
	}
	for _, cp := range kept {
		if !cp.SignedBy(pub) {
			t.Fatalf("checkpoint %+v not signed", cp)
		}
	}
	if _, err := s.w.Exec(`DELETE FROM audit_checkpoints`); err == nil {
		t.Fatal("checkpoints were deleted")
	}
	return s, cps, pub
}

func TestCheckAuditGoodLog(t *testing.T) {
	s, cps, _ := auditFixture(t)
	r, err := s.CheckAudit(context.Background(), cps)
	if err != nil || !r.OK() || r.Rows != 8 || r.HeadID != 8 || r.Checkpoints != 2 || r.HeadHash != cps[1].HeadHash {
		t.Fatalf("good log: %+v %v", r, err)
	}
}

func TestCheckAuditEditedRow(t *testing.T) {
	s, cps, _ := auditFixture(t)
	if _, err := s.w.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET detail='q=other' WHERE id=3`); err != nil {
		t.Fatal(err)
	}
	r, err := s.CheckAudit(context.Background(), cps)
	if err != nil || len(r.Findings) != 1 || r.Findings[0].Kind != watch.AuditBroken || r.Findings[0].Row != 3 {
		t.Fatalf("edited row 3: %+v %v", r, err)
	}
}

func TestCheckAuditTruncation(t *testing.T) {
	s, cps, _ := auditFixture(t)
	if _, err := s.w.Exec(`DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > 6`); err != nil {
		t.Fatal(err)
	}
	r, err := s.CheckAudit(context.Background(), cps)
	if err != nil || len(r.Findings) != 1 || r.Findings[0].Kind != watch.AuditTruncated || r.Findings[0].Checkpoint.Rows != 8 || r.Rows != 6 {
		t.Fatalf("truncated to 6 rows: %+v %v", r, err)
	}
	if !strings.Contains(r.Findings[0].Message, "counts 8 rows up to row 8; the log has 6 rows") {
		t.Errorf("message: %s", r.Findings[0].Message)
	}
	// without the checkpoints a truncation cannot be seen: they are what catches it
	if r, _ := s.CheckAudit(context.Background(), nil); !r.OK() {
		t.Fatalf("the chain alone: %+v", r)
	}
}

// Row 3 changed and every hash from it recomputed: the chain holds, the
// checkpoints do not.
func TestCheckAuditRewrite(t *testing.T) {
	s, cps, _ := auditFixture(t)
	ctx := context.Background()
	if _, err := s.w.Exec(`DROP TRIGGER audit_no_update; UPDATE audit SET detail='q=other' WHERE id=3`); err != nil {
		t.Fatal(err)
	}
	rows, err := s.w.Query(`SELECT id, at, actor, action, target, detail FROM audit ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var es []watch.AuditEntry
	for rows.Next() {
		var e watch.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			t.Fatal(err)
		}
		e.At = parseTime(at)
		es = append(es, e)
	}
	rows.Close()
	prev := ""
	for _, e := range es {
		h := auditHash(prev, e)
		if _, err := s.w.Exec(`UPDATE audit SET prev_hash=?, hash=? WHERE id=?`, prev, h, e.ID); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
	if err := s.VerifyAudit(ctx); err != nil {
		t.Fatalf("the rewritten chain should hold on its own: %v", err)
	}
	r, err := s.CheckAudit(ctx, cps)
	if err != nil || len(r.Findings) != 1 || r.Findings[0].Kind != watch.AuditRewritten || r.Findings[0].Row != 5 || r.Findings[0].Checkpoint.Rows != 5 {
		t.Fatalf("rewrite: %+v %v", r, err)
	}
	if !strings.Contains(r.Findings[0].Message, "and 1 later checkpoints") {
		t.Errorf("message: %s", r.Findings[0].Message)
	}
}

// A signature covers every field: a changed count or head fails it.
func TestAuditCheckpointSignature(t *testing.T) {
	_, cps, pub := auditFixture(t)
	cp := cps[0]
	cp.Rows--
	if cp.SignedBy(pub) {
		t.Fatal("changed count still verifies")
	}
	cp = cps[0]
	cp.HeadHash = cps[1].HeadHash
	if cp.SignedBy(pub) {
		t.Fatal("changed head still verifies")
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if cps[0].SignedBy(other) {
		t.Fatal("another key verifies")
	}
}
