package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/watchroom/watchroom/alerts/notify"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/evidence"
	"github.com/watchroom/watchroom/watch/store"
)

// checkpointer signs the audit log's head with the installation's key,
// keeps the checkpoint in the database and appends it to the configured
// file. One at a time: the periodic one and the one at Stop never cross.
type checkpointer struct {
	st     *store.Store
	signer *evidence.Signer
	file   string
	mu     sync.Mutex
}

func newCheckpointer(f *config.File, st *store.Store) (*checkpointer, error) {
	s, err := evidence.LoadSigner(evidence.KeyPath(f.Server.DataDir))
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	return &checkpointer{st: st, signer: s, file: f.Audit.CheckpointFile}, nil
}

// write makes one checkpoint. The database keeps it even when the file
// cannot be written; the error says so.
func (c *checkpointer) write(ctx context.Context) (watch.AuditCheckpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.signer.Key()
	cp, err := c.st.AddAuditCheckpoint(ctx, func(cp *watch.AuditCheckpoint) { cp.Sign(k.Fingerprint, c.signer.Sign) })
	if err != nil || c.file == "" {
		return cp, err
	}
	return cp, appendLine(c.file, watch.AuditCheckpointLine(cp))
}

// appendLine appends one line and syncs it: the file may be on an
// append-only mount, so it is never rewritten, truncated or renamed.
func appendLine(path string, line []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("audit checkpoint file: %w", err)
	}
	_, err = f.Write(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("audit checkpoint file: %w", err)
	}
	return nil
}

// startCheckpoints writes a checkpoint every interval until Stop, which
// waits for it.
func (a *App) startCheckpoints() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(a.cfg.Audit.CheckpointInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.checkpoint(ctx)
			}
		}
	}()
	a.onStop("audit checkpoints", func(context.Context) error { cancel(); <-done; return nil })
}

func (a *App) checkpoint(ctx context.Context) {
	if _, err := a.anchor.write(ctx); err != nil && !errors.Is(err, context.Canceled) {
		a.log.Error("audit checkpoint", "err", err)
	}
}

// AuditCheckpoint writes a checkpoint now (tests; the console writes its
// own on its schedule and at Stop).
func (a *App) AuditCheckpoint(ctx context.Context) (watch.AuditCheckpoint, error) {
	return a.anchor.write(ctx)
}

// disclosed records a notification sent, or failed, after its send is
// over: what (by id), how and to whom.
func (a *App) disclosed(d notify.Disclosure) {
	action, detail := "disclose", ""
	if d.Err != nil {
		action = "disclose_failed"
	}
	target, what, _ := strings.Cut(d.What, " ")
	if target == "" {
		target = d.Kind
	}
	detail = fmt.Sprintf("kind=%s via=%s to=%s", d.Kind, d.Via, strings.Join(d.To, ","))
	if what != "" {
		detail += " " + what
	}
	if d.Err != nil {
		detail += " error=" + truncate(d.Err.Error(), 300)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := a.store.Audit(ctx, watch.AuditEntry{Actor: "system", Action: action, Target: target, Detail: detail}); err != nil {
		a.log.Error("audit disclosure", "err", err, "what", d.What)
	}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// VerifyAudit checks the audit log of the config's database: its chain,
// and every checkpoint in the database and in checkpointFile (optional)
// against the rows and the installation's key. It writes what it checked,
// or every finding, and reports whether the log verifies; the error is for
// a database or file that cannot be read.
func VerifyAudit(ctx context.Context, f *config.File, checkpointFile string, w io.Writer) (bool, error) {
	dbPath := filepath.Join(f.Server.DataDir, "watchroom.db")
	if _, err := os.Stat(dbPath); err != nil {
		return false, fmt.Errorf("database: %w", err)
	}
	keyPath := evidence.KeyPath(f.Server.DataDir)
	if _, err := os.Stat(keyPath); errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("no signing key at %s: checkpoints cannot be checked", keyPath)
	}
	key, err := evidence.LoadKey(keyPath)
	if err != nil {
		return false, err
	}
	st, err := store.Open(ctx, dbPath, slog.New(slog.NewTextHandler(io.Discard, nil)), store.Options{})
	if err != nil {
		return false, err
	}
	defer st.Close()
	cps, err := st.AuditCheckpoints(ctx)
	if err != nil {
		return false, err
	}
	inDB := len(cps)
	if checkpointFile != "" {
		fh, err := os.Open(checkpointFile)
		if err != nil {
			return false, err
		}
		fromFile, err := watch.ReadAuditCheckpoints(fh)
		fh.Close()
		if err != nil {
			return false, fmt.Errorf("%s: %w", checkpointFile, err)
		}
		cps = append(cps, fromFile...)
	}
	rep, err := st.CheckAudit(ctx, cps)
	if err != nil {
		return false, err
	}
	for i := range cps {
		if !cps[i].SignedBy(key.Public) {
			where := "the database"
			if i >= inDB {
				where = checkpointFile
			}
			c := cps[i]
			rep.Findings = append(rep.Findings, watch.AuditFinding{Kind: watch.AuditBadSig, Checkpoint: &c,
				Message: fmt.Sprintf("signature: the checkpoint of %s in %s (%d rows) is not signed by this installation's key %s",
					c.At.Format(time.RFC3339), where, c.Rows, key.Fingerprint)})
		}
	}
	fmt.Fprintf(w, "audit log: %d rows, head row %d\n", rep.Rows, rep.HeadID)
	if len(rep.Prunes) > 0 {
		last := rep.Prunes[len(rep.Prunes)-1]
		fmt.Fprintf(w, "removed by the log's retention class: %d rows in %d removal(s), the last at %s (rows up to %d, older than %s)\n",
			rep.Removed, len(rep.Prunes), last.At.Format(time.RFC3339), last.ThroughID, last.OlderThan)
	}
	fmt.Fprintf(w, "checkpoints: %d in the database", inDB)
	if checkpointFile != "" {
		fmt.Fprintf(w, ", %d in %s", len(cps)-inDB, checkpointFile)
	}
	fmt.Fprintf(w, "; key %s\n", key.Fingerprint)
	if !rep.OK() {
		fmt.Fprintf(w, "DOES NOT VERIFY (%d finding(s))\n", len(rep.Findings))
		for _, fd := range rep.Findings {
			fmt.Fprintf(w, "  %s\n", fd.Message)
		}
		return false, nil
	}
	if len(cps) == 0 {
		fmt.Fprintln(w, "verified: the chain holds (no checkpoint: a truncation or a rewrite could not be seen)")
		return true, nil
	}
	fmt.Fprintln(w, "verified: the chain holds, and every checkpoint is signed and matches the rows")
	return true, nil
}
