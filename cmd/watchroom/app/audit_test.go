package app

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/alerts/notify/smtptest"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
	"github.com/watchroom/watchroom/watch/watchtest"
)

// auditedApp runs a console with checkpoints every few milliseconds and a
// checkpoint file, writes a few audit rows, waits for periodic checkpoints,
// and stops it (which writes the last one). It returns the config and the
// checkpoint file.
func auditedApp(t *testing.T) (*config.File, string) {
	t.Helper()
	dir := tempDataDir(t)
	cpFile := filepath.Join(t.TempDir(), "anchor", "watchroom.checkpoints")
	if err := os.MkdirAll(filepath.Dir(cpFile), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("audit.yaml", []byte(fmt.Sprintf("server:\n  data_dir: %q\naudit:\n  checkpoint_interval: 5ms\n  checkpoint_file: %q\n", dir, cpFile)), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, quietLogger(), Options{Unscheduled: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 6; i++ {
		if err := a.store.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "search", Target: "board:all", Detail: fmt.Sprintf("q=%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	watchtest.WaitFor(t, "two periodic checkpoints", 10*time.Second, func() bool {
		cps, err := a.store.AuditCheckpoints(ctx)
		return err == nil && len(cps) >= 2
	})
	if err := a.store.Audit(ctx, watch.AuditEntry{Actor: "alice", Action: "search", Target: "board:all", Detail: "q=last"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	return cfg, cpFile
}

func readCheckpoints(t *testing.T, path string) []watch.AuditCheckpoint {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cps, err := watch.ReadAuditCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	return cps
}

// tamper runs SQL on the console's database as its owner could, with the
// append-only guards dropped.
func tamper(t *testing.T, cfg *config.File, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", filepath.Join(cfg.Server.DataDir, "watchroom.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range append([]string{`DROP TRIGGER IF EXISTS audit_no_update`, `DROP TRIGGER IF EXISTS audit_no_delete`,
		`DROP TRIGGER IF EXISTS audit_checkpoints_no_delete`}, stmts...) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func verifyAudit(t *testing.T, cfg *config.File, cpFile string) (bool, string) {
	t.Helper()
	var out bytes.Buffer
	ok, err := VerifyAudit(context.Background(), cfg, cpFile, &out)
	if err != nil {
		t.Fatal(err)
	}
	return ok, out.String()
}

// Checkpoints are written periodically and at Stop, to the database and
// the file alike, the last one covering every row; a good log verifies.
func TestAuditCheckpointsPeriodicAndAtStop(t *testing.T) {
	cfg, cpFile := auditedApp(t)
	fromFile := readCheckpoints(t, cpFile)
	st, err := store.Open(context.Background(), filepath.Join(cfg.Server.DataDir, "watchroom.db"), quietLogger(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	inDB, err := st.AuditCheckpoints(context.Background())
	log, _ := st.AuditLog(context.Background(), 1)
	st.Close()
	if err != nil || len(inDB) < 3 || len(inDB) != len(fromFile) {
		t.Fatalf("%d checkpoints in the database (%v), %d in the file", len(inDB), err, len(fromFile))
	}
	last := fromFile[len(fromFile)-1]
	if last.HeadID != log[0].ID || last.HeadHash != log[0].Hash || last.Rows != log[0].ID {
		t.Fatalf("the checkpoint at Stop %+v does not cover the last row %+v", last, log[0])
	}
	ok, out := verifyAudit(t, cfg, cpFile)
	if !ok || !strings.Contains(out, "verified: the chain holds, and every checkpoint is signed and matches the rows") {
		t.Fatalf("a good log:\n%s", out)
	}
}

func TestAuditVerifyFindsEditTruncationRewrite(t *testing.T) {
	t.Run("edited", func(t *testing.T) {
		cfg, cpFile := auditedApp(t)
		tamper(t, cfg, `UPDATE audit SET detail='q=nothing' WHERE detail='q=3'`)
		ok, out := verifyAudit(t, cfg, cpFile)
		if ok || !strings.Contains(out, "DOES NOT VERIFY") || !strings.Contains(out, "does not follow the chain") {
			t.Fatalf("an edited row:\n%s", out)
		}
	})
	t.Run("truncated", func(t *testing.T) {
		cfg, cpFile := auditedApp(t)
		// the owner removes the newest rows and the database's checkpoints
		// that would show it; the file outside their reach still does
		tamper(t, cfg, `DELETE FROM audit WHERE id > 4`, `DELETE FROM audit_checkpoints`)
		if ok, out := verifyAudit(t, cfg, ""); !ok {
			t.Fatalf("without the file the truncation cannot be seen, yet:\n%s", out)
		}
		ok, out := verifyAudit(t, cfg, cpFile)
		if ok || !strings.Contains(out, "truncated: the checkpoint of") || !strings.Contains(out, "the log has 4 rows") {
			t.Fatalf("a truncation:\n%s", out)
		}
	})
	t.Run("rewritten", func(t *testing.T) {
		cfg, cpFile := auditedApp(t)
		cps := readCheckpoints(t, cpFile)
		n := cps[len(cps)-1].Rows
		// the owner removes rows and writes others through the store, so
		// every hash is recomputed and the chain holds
		tamper(t, cfg, `DELETE FROM audit WHERE id > 3`, `DELETE FROM audit_checkpoints`)
		st, err := store.Open(context.Background(), filepath.Join(cfg.Server.DataDir, "watchroom.db"), quietLogger(), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := int64(3); i < n; i++ {
			if err := st.Audit(context.Background(), watch.AuditEntry{Actor: "alice", Action: "login"}); err != nil {
				t.Fatal(err)
			}
		}
		err = st.VerifyAudit(context.Background())
		st.Close()
		if err != nil {
			t.Fatalf("the rewritten chain should hold: %v", err)
		}
		ok, out := verifyAudit(t, cfg, cpFile)
		if ok || !strings.Contains(out, "rewritten: the chain holds, but row") {
			t.Fatalf("a rewrite:\n%s", out)
		}
	})
	t.Run("forged checkpoint", func(t *testing.T) {
		cfg, cpFile := auditedApp(t)
		cps := readCheckpoints(t, cpFile)
		c := cps[0]
		c.Rows = 1
		if err := os.WriteFile(cpFile, watch.AuditCheckpointLine(c), 0o600); err != nil {
			t.Fatal(err)
		}
		ok, out := verifyAudit(t, cfg, cpFile)
		if ok || !strings.Contains(out, "is not signed by this installation's key") {
			t.Fatalf("a forged checkpoint:\n%s", out)
		}
	})
}

// assertDisclosed finds an audit entry of action whose target starts with
// target and whose detail holds every want.
func assertDisclosed(t *testing.T, a *App, action, target string, wants ...string) {
	t.Helper()
	log, err := a.store.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		if e.Action != action || e.Actor != "system" || !strings.HasPrefix(e.Target, target) {
			continue
		}
		ok := true
		for _, w := range wants {
			ok = ok && strings.Contains(e.Detail, w)
		}
		if ok {
			return
		}
	}
	t.Errorf("no %s of %s with %q in the audit log:\n%+v", action, target, wants, log)
}

// A send that fails is recorded as such, with its recipients and why.
func TestFailedDisclosureIsAudited(t *testing.T) {
	addr, _, _, caPEM := smtptest.Start(t, smtptest.Options{NoTLS: true}) // the console insists on STARTTLS
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	feed := newFeedServer(t)
	cfg, err := config.Parse("notify.yaml", []byte(fmt.Sprintf(notifyConfig, tempDataDir(t), feed.url, addr, ca)), ConfigOptions())
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, quietLogger(), Options{Unscheduled: true, Getenv: func(string) string { return "correct horse" }})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop(context.Background())
	a.notify.ToTeam("North SNT", "briefing 7", notify.Notification{Kind: notify.KindBriefing, Subject: "B", Record: "briefing:7 operation=op1 version=2"})
	if err := a.notify.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	assertDisclosed(t, a, "disclose_failed", "briefing:7", "kind=briefing via=email to=north-snt@force.example,north-inspector@force.example operation=op1 version=2 error=")
}
