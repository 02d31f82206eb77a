package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
)

const auditUsage = `usage:
  watchroom audit verify --config FILE [--checkpoint FILE]
`

// cmdAudit checks the audit log.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprint(stderr, auditUsage)
		return 2
	}
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (its data folder holds the database and the key)")
	cp := fs.String("checkpoint", "", "a checkpoint file the console appended to (audit.checkpoint_file)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, auditUsage)
		return 2
	}
	f, ok := loadConfig(*path, stderr)
	if !ok {
		return 2
	}
	ok, err := app.VerifyAudit(ctx, f, *cp, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom audit verify: %v\n", err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}
