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
	"strings"

	"golang.org/x/term"

	"github.com/watchroom/watchroom/ui"
	"github.com/watchroom/watchroom/watch"
	"github.com/watchroom/watchroom/watch/store"
)

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fmt.Fprint(stderr, "usage: watchroom user add|list --config FILE ...\n")
		return 2
	}
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
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
	if args[0] == "list" {
		users, err := st.Users(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "watchroom user: %v\n", err)
			return 1
		}
		for _, u := range users {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", u.Name, u.Role, u.Team)
		}
		return 0
	}
	r := watch.Role(*role)
	if strings.TrimSpace(*name) == "" || !r.Valid() {
		fmt.Fprintln(stderr, "watchroom user add: --name NAME and --role admin|analyst|officer|viewer are required")
		return 2
	}
	pw, err := readPassword(stdin, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	hash, err := ui.HashPassword(pw)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 2
	}
	if _, err := st.CreateUser(ctx, watch.User{Name: strings.TrimSpace(*name), Role: r, PasswordHash: hash, Team: strings.TrimSpace(*team)}, "cli:"+osUser()); err != nil {
		if errors.Is(err, store.ErrExists) {
			fmt.Fprintf(stderr, "watchroom user add: a user named %q exists already\n", *name)
			return 1
		}
		fmt.Fprintf(stderr, "watchroom user add: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "added %s (%s)\n", *name, r)
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
