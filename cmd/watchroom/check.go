package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
	"github.com/watchroom/watchroom/config"
	"github.com/watchroom/watchroom/watch/store"
)

// loadConfig loads a config file and prints every problem it has.
func loadConfig(path string, stderr io.Writer) (*config.File, bool) {
	f, err := config.Load(path, app.ConfigOptions())
	if err != nil {
		printProblems(stderr, err)
		var probs config.Problems
		if errors.As(err, &probs) {
			fmt.Fprintf(stderr, "%s: %d problem(s)\n", path, len(probs))
		}
		return nil, false
	}
	return f, true
}

func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file to check")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "watchroom check: --config FILE is required")
		return 2
	}
	f, ok := loadConfig(*path, stderr)
	if !ok {
		return 2
	}
	// the binary itself: search needs FTS5 compiled into its SQLite
	if err := store.CheckFTS5(ctx); err != nil {
		fmt.Fprintf(stderr, "watchroom check: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: ok (%d sources, %d watch lists, %d operations)\n", *path, len(f.Sources), len(f.WatchLists), len(f.Operations))
	fmt.Fprintln(stdout, app.BrowserCheck(ctx, f)) // information, never a failure
	return 0
}
