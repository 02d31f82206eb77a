package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

// openData opens the database the CLI wrote under dataDir.
func openData(t *testing.T, dataDir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(dataDir, "watchroom.db"), slog.New(slog.NewTextHandler(io.Discard, nil)), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestUserAddRefusesWeakPasswordsAndMisleadingNames(t *testing.T) {
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+filepath.Join(t.TempDir(), "data")+"\n")
	for _, tc := range []struct{ name, pw, want string }{
		{"jsmith", "password", "at least 12"},
		{"jsmith", "aaaaaaaa", "at least 12"},
		{"jsmith", "aaaaaaaaaaaaaaaa", "too few characters"},
		{"jsmith", "1qaz2wsx3edc", "most common"}, // on the deny-list at its full length
		{"jsmith", "qwerty123456", "most common"},
		{"jsmith", "monkeymonkeymonkey", "most common"},
		{"jsmith", "password1234!", "most common"},
		{"jsmith", "jsmith-jsmith-2026", "user name"},
		{"admin\u202egnp.exe", "correct horse battery", "U+202E"},
		{"pc\x00one", "correct horse battery", "U+0000"},
		{"pc\u200bone", "correct horse battery", "U+200B"},
		{"pc\none", "correct horse battery", "U+000A"},
	} {
		code, _, stderr := runCmd(t, tc.pw+"\n", "user", "add", "--config", p, "--name", tc.name, "--role", "officer")
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("add %q with %q: exit %d %q, want refusal naming %q", tc.name, tc.pw, code, stderr, tc.want)
		}
	}
	// three random words pass, however plain; a long passphrase is kept whole
	for name, pw := range map[string]string{"pc-one": "staple orbit lantern", "pc-two": strings.Repeat("tide-mirror-otter-", 5)} {
		if code, out, stderr := runCmd(t, pw+"\n", "user", "add", "--config", p, "--name", name, "--role", "officer"); code != 0 {
			t.Fatalf("add %s: exit %d %s %s", name, code, out, stderr)
		}
	}
}

func TestUserAccountLifecycleFromTheCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	p := writeFile(t, "c.yaml", "server:\n  data_dir: "+data+"\n")
	for name, role := range map[string]string{"boss": "admin", "pc1": "officer"} {
		if code, _, stderr := runCmd(t, "staple orbit lantern\n", "user", "add", "--config", p, "--name", name, "--role", role); code != 0 {
			t.Fatalf("add %s: %s", name, stderr)
		}
	}
	ctx := context.Background()
	session := func(name, tok string) {
		st := openData(t, data)
		u, err := st.UserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateSession(ctx, tok, u, time.Hour, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		st.Close()
	}
	live := func(tok string) bool {
		st := openData(t, data)
		defer st.Close()
		_, err := st.SessionUser(ctx, tok)
		return err == nil
	}
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, stderr := runCmd(t, "", append([]string{"user", args[0], "--config", p}, args[1:]...)...)
		if code != want {
			t.Fatalf("user %v: exit %d, want %d: %s %s", args, code, want, out, stderr)
		}
		return out + stderr
	}

	session("pc1", "s1")
	session("pc1", "s2")
	if out := run(0, "revoke", "--name", "pc1"); !strings.Contains(out, "ended 2 session(s)") || live("s1") || live("s2") {
		t.Fatalf("revoke: %q, sessions live %v %v", out, live("s1"), live("s2"))
	}
	session("pc1", "s3")
	run(0, "disable", "--name", "pc1")
	if live("s3") {
		t.Fatal("a disabled account's session still works")
	}
	run(0, "enable", "--name", "pc1")
	run(0, "role", "--name", "pc1", "--role", "analyst")
	run(2, "role", "--name", "pc1", "--role", "chief")
	run(0, "team", "--name", "pc1", "--team", "North")
	out := run(0, "reset", "--name", "pc1")
	temp := regexp.MustCompile(`[a-z2-7]{5}(-[a-z2-7]{5}){3}`).FindString(out)
	if temp == "" {
		t.Fatalf("reset printed no temporary password: %q", out)
	}
	if out := run(0, "list"); !strings.Contains(out, "pc1\tanalyst\tNorth\tmust-change") {
		t.Fatalf("list after changes: %q", out)
	}
	// the last admin keeps access
	if out := run(1, "disable", "--name", "boss"); !strings.Contains(out, "last active admin") {
		t.Fatalf("disable the last admin: %q", out)
	}
	run(1, "delete", "--name", "boss")
	run(1, "role", "--name", "boss", "--role", "viewer")
	run(1, "disable", "--name", "nobody")

	// delete: the account goes, what the person did stays under the name
	st := openData(t, data)
	if err := st.Audit(ctx, watch.AuditEntry{Actor: "pc1", Action: "annotate", Target: "hit:1"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	run(0, "delete", "--name", "pc1")
	run(1, "enable", "--name", "pc1")
	if out := run(0, "list"); !strings.Contains(out, "pc1\tanalyst\tNorth\tdeleted") {
		t.Fatalf("list after delete: %q", out)
	}
	st = openData(t, data)
	if u, err := st.UserByName(ctx, "pc1"); err != nil || !u.Disabled || u.Deleted.IsZero() {
		t.Fatalf("deleted account: %+v %v", u, err)
	}
	if _, err := st.SessionUser(ctx, "s3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("session of a deleted account: %v", err)
	}
	log, err := st.AuditLog(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(log) - 1; i >= 0; i-- {
		e := log[i]
		if (e.Target == "user:pc1" || e.Actor == "pc1") && e.Action != "login" && e.Action != "user_add" {
			got = append(got, e.Action)
			if e.Action != "annotate" && !strings.HasPrefix(e.Actor, "cli:") {
				t.Errorf("%s audited as by %q, want the CLI's operator", e.Action, e.Actor)
			}
		}
	}
	want := "sessions_revoke user_disable user_enable user_role user_team password_reset annotate user_delete"
	if strings.Join(got, " ") != want {
		t.Fatalf("audit:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}
