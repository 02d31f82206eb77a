package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

const userUsage = `usage: watchroom user COMMAND --config FILE [--name NAME] ...
  add     --name NAME --role ROLE [--team TEAM]   add an account (password on stdin or prompted)
  list                                           every account: name, role, team, state
  disable --name NAME                            refuse sign-in and end every session
  enable  --name NAME                            allow sign-in again
  delete  --name NAME                            end the account for good; what it did stays attributed
  role    --name NAME --role ROLE                change the role
  team    --name NAME [--team TEAM]              change the team ("" for none)
  reset   --name NAME                            print a temporary password to be changed at next sign-in
  revoke  --name NAME                            end every session of the account
`

var userCommands = map[string]bool{"add": true, "list": true, "disable": true, "enable": true, "delete": true,
	"role": true, "team": true, "reset": true, "revoke": true}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || !userCommands[args[0]] {
		fmt.Fprint(stderr, userUsage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("user "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (for the data folder)")
	name := fs.String("name", "", "user name")
	role := fs.String("role", "", "admin, supervisor, analyst, officer, viewer or requester")
	team := fs.String("team", "", "the neighbourhood team (viewers see their team's briefings)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "watchroom user: --config FILE is required")
		return 2
	}
	*name = strings.TrimSpace(*name)
	if cmd != "list" && *name == "" {
		fmt.Fprintf(stderr, "watchroom user %s: --name NAME is required\n", cmd)
		return 2
	}
	f, ok := loadConfig(*path, stderr)
	if !ok {
		return 2
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := os.MkdirAll(f.Server.DataDir, 0o700); err != nil {
		fmt.Fprintf(stderr, "watchroom user: %v\n", err)
		return 1
	}
	st, err := store.Open(ctx, filepath.Join(f.Server.DataDir, "watchroom.db"), logger, store.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user: %v\n", err)
		return 1
	}
	defer st.Close()
	actor := "cli:" + osUser()
	var msg string
	switch cmd {
	case "list":
		return userList(ctx, st, stdout, stderr)
	case "add":
		return userAdd(ctx, st, *name, watch.Role(*role), strings.TrimSpace(*team), actor, stdin, stdout, stderr)
	case "disable", "enable":
		err, msg = st.SetUserDisabled(ctx, *name, cmd == "disable", actor), cmd+"d "+*name
	case "delete":
		err, msg = st.DeleteUser(ctx, *name, actor), "deleted "+*name+"; what they did stays under their name"
	case "role":
		if r := watch.Role(*role); !r.Valid() {
			fmt.Fprintln(stderr, "watchroom user role: --role admin|supervisor|analyst|officer|viewer|requester is required")
			return 2
		}
		err, msg = st.SetUserRole(ctx, *name, watch.Role(*role), actor), *name+" is now "+*role
	case "team":
		err, msg = st.SetUserTeam(ctx, *name, strings.TrimSpace(*team), actor), *name+"'s team is now "+strconv.Quote(strings.TrimSpace(*team))
	case "reset":
		temp := ui.TemporaryPassword()
		var hash string
		if hash, err = ui.HashPassword(temp); err == nil {
			err = st.ResetPassword(ctx, *name, hash, actor)
		}
		msg = "temporary password for " + *name + " (to be changed at the next sign-in): " + temp
	case "revoke":
		var n int64
		n, err = st.RevokeSessions(ctx, *name, actor)
		msg = fmt.Sprintf("ended %d session(s) of %s", n, *name)
	}
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user %s: %s\n", cmd, userError(*name, err))
		return 1
	}
	fmt.Fprintln(stdout, msg)
	return 0
}

// userError is what the CLI says about a failed change.
func userError(name string, err error) string {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Sprintf("no account named %q", name)
	case errors.Is(err, store.ErrLastAdmin):
		return "refused: " + err.Error()
	}
	return err.Error()
}

func userList(ctx context.Context, st *store.Store, stdout, stderr io.Writer) int {
	users, err := st.Users(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user: %v\n", err)
		return 1
	}
	for _, u := range users {
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Team, ui.AccountState(u))
	}
	return 0
}

func userAdd(ctx context.Context, st *store.Store, name string, r watch.Role, team, actor string, stdin io.Reader, stdout, stderr io.Writer) int {
	if !r.Valid() {
		fmt.Fprintln(stderr, "watchroom user add: --name NAME and --role admin|supervisor|analyst|officer|viewer|requester are required")
		return 2
	}
	if err := ui.CheckUserName(name); err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	if err := ui.CheckPassword(name, pw); err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	hash, err := ui.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	if _, err := st.CreateUser(ctx, watch.User{Name: name, Role: r, PasswordHash: hash, Team: team}, actor); err != nil {
		if errors.Is(err, store.ErrExists) {
			fmt.Fprintf(stderr, "watchroom user add: a user named %q exists already\n", name)
			return 1
		}
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "added %s (%s)\n", name, r)
	return 0
}

// readPassword prompts on a terminal (twice, without echo) or reads one
// line from stdin; a password is never taken from a flag.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func osUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}
