package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/watchroom/watchroom/watch"
)

// killChildEnv names the database a child process of
// TestKillNineLosesNothingAcknowledged writes to.
const killChildEnv = "WATCHROOM_STORE_KILL_CHILD"

// A process recording items as fast as it can is killed with SIGKILL; every
// item it had been told was recorded is in the database when it is opened
// again, with its hits' events, and the items and the audit entries that
// record them agree: each write is kept whole or not at all.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a process and kills it")
	}
	path := filepath.Join(t.TempDir(), "w.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillNineLosesNothingAcknowledged$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		key, ok := strings.CutPrefix(sc.Text(), "ack ")
		if !ok {
			continue
		}
		acked[key] = true
		if len(acked) >= 3000 && !killed {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			killed = true // the acknowledgements already written are read on
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the child ended by itself after %d acknowledgements: %v", len(acked), err)
	}

	s, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var lost []string
	for key := range acked {
		if s.count(t, `SELECT COUNT(*) FROM seen WHERE key = ?`, key) != 1 {
			lost = append(lost, key)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged items lost, e.g. %v", len(lost), len(acked), lost[:min(5, len(lost))])
	}
	seen := s.count(t, `SELECT COUNT(*) FROM seen`)
	items := s.count(t, `SELECT COUNT(*) FROM items`)
	hitEvents := s.count(t, `SELECT COUNT(*) FROM events WHERE type = 'hit'`)
	hits := s.count(t, `SELECT COUNT(*) FROM hits`)
	if hits != items || hitEvents != hits {
		t.Errorf("%d items, %d hits, %d hit events: want one hit and one event an item", items, hits, hitEvents)
	}
	audited := 0
	log, err := s.AuditLog(context.Background(), seen+10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range log {
		n, err := strconv.Atoi(strings.TrimSuffix(e.Detail, " new"))
		if err != nil {
			t.Fatalf("audit detail %q", e.Detail)
		}
		audited += n
	}
	if audited != seen {
		t.Errorf("the audit entries record %d items, the database holds %d", audited, seen)
	}
	if err := s.VerifyAudit(context.Background()); err != nil {
		t.Error(err)
	}
	t.Logf("killed after %d acknowledgements; %d items found, every acknowledged one among them", len(acked), seen)
}

// killChild records items from four goroutines, ten a write (every other one
// matching a list), each write with its audit entry, and prints "ack KEY"
// once a write has returned, until it is killed.
func killChild(path string) {
	s, err := Open(context.Background(), path, slog.New(slog.NewTextHandler(io.Discard, nil)), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for n := 0; ; n++ {
				fs := make([]watch.Finding, 10)
				var acks strings.Builder
				for i := range fs {
					key := fmt.Sprintf("g%d-%d-%d", g, n, i)
					fs[i] = watch.Finding{Item: watch.Item{SourceID: "src", Key: key, Title: "rave " + key}}
					if i%2 == 0 {
						fs[i].Hits = []watch.Hit{{ListID: "l", Operations: []string{"op"}}}
					}
					fmt.Fprintf(&acks, "ack %s\n", key)
				}
				if _, err := s.RecordItems(context.Background(), fs, ingestAudit); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				os.Stdout.WriteString(acks.String())
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
