package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
)

// cmdExport writes out what the web changed, for the config file.
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "watchlists" {
		fmt.Fprint(stderr, "usage: watchroom export watchlists --config FILE [--out FILE]\n")
		return 2
	}
	fs := flag.NewFlagSet("export watchlists", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (its watch lists and data folder)")
	out := fs.String("out", "", "write to this file instead of standard output")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "watchroom export: --config FILE is required")
		return 2
	}
	f, ok := loadConfig(*path, stderr)
	if !ok {
		return 2
	}
	text, err := app.ExportWatchLists(ctx, f)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom export: %v\n", err)
		return 1
	}
	if *out == "" {
		_, err = io.WriteString(stdout, text)
	} else {
		err = os.WriteFile(*out, []byte(text), 0o600)
	}
	if err != nil {
		fmt.Fprintf(stderr, "watchroom export: %v\n", err)
		return 1
	}
	return 0
}
