// Command watchroom is the console: it serves boards, runs the watchers,
// checks config files and manages users.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones load on machines without a zone database

	"github.com/watchroom/watchroom/cmd/watchroom/bench"
)

const usage = `watchroom: a live watch console for public online content.

Usage:
  watchroom serve [--config FILE] [--demo]   run the console (--demo: built-in scenario, no internet needed)
  watchroom check --config FILE              validate a config file; every problem, exit status 2;
                                             also says whether Chromium renders evidence captures;
                                             exit status 1 if this binary lacks FTS5 (search)
  watchroom user add --config FILE --name NAME --role ROLE [--team TEAM]
                                             add a user (admin, analyst, officer, viewer);
                                             the password is read from stdin or asked for
  watchroom user list --config FILE          list users
  watchroom export watchlists --config FILE [--out FILE]
                                             write the watch lists in force (the config file's and
                                             the web's) as the config file's watchlists: section
  watchroom evidence key --config FILE       print the installation's public signing key (PEM) and
                                             its fingerprint, making the key on first use
  watchroom evidence verify PACKAGE.zip [--key FINGERPRINT | --pubkey FILE]
                                             check a case package: exit 0 and what was checked, or
                                             exit 1 and every file, signature or custody log that differs
  watchroom audit verify --config FILE [--checkpoint FILE]
                                             check the audit log's hash chain and its signed checkpoints
                                             (the database's and the file's): exit 0 when it verifies,
                                             1 with the first broken row, a truncation or a rewrite
  watchroom bench match [--terms N]          measure the watch-list matcher against a regexp baseline
  watchroom bench fanout [--clients N --rate R --duration D --stall-percent P --restart]
                                             load the live boards over real websockets
  watchroom bench search [--items N]         time the board's full-text search on N stored items against a LIKE scan
  watchroom bench ingest [--items N --senders S --per-call C]
                                             record N corpus items through the ingest path, against one transaction per item
  watchroom bench poll [--sources N --duration D --every E --unchanged U]
                                             poll N loopback feeds with the real scheduler and fetcher
  watchroom bench evidence [--captures N --exhibits N]
                                             time raw and rendered captures of a local page and a package export
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(ctx, args[1:], stdout, stderr)
	case "user":
		return cmdUser(ctx, args[1:], stdin, stdout, stderr)
	case "export":
		return cmdExport(ctx, args[1:], stdout, stderr)
	case "evidence":
		return cmdEvidence(ctx, args[1:], stdout, stderr)
	case "audit":
		return cmdAudit(ctx, args[1:], stdout, stderr)
	case "bench":
		return bench.Main(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "watchroom: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}
