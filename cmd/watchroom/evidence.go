package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/watchroom/watchroom/cmd/watchroom/app"
)

const evidenceUsage = `usage:
  watchroom evidence key --config FILE
  watchroom evidence verify PACKAGE.zip [--key FINGERPRINT | --pubkey FILE]
`

// cmdEvidence prints the signing key or verifies a case package.
func cmdEvidence(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, evidenceUsage)
		return 2
	}
	switch args[0] {
	case "key":
		return cmdEvidenceKey(args[1:], stdout, stderr)
	case "verify":
		return cmdEvidenceVerify(args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "watchroom evidence: unknown command %q\n%s", args[0], evidenceUsage)
		return 2
	}
}

func cmdEvidenceKey(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evidence key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (its data folder holds the key)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" {
		fmt.Fprintln(stderr, "watchroom evidence key: --config FILE is required")
		return 2
	}
	f, ok := loadConfig(*path, stderr)
	if !ok {
		return 2
	}
	if err := app.EvidenceKey(f, stdout); err != nil {
		fmt.Fprintf(stderr, "watchroom evidence key: %v\n", err)
		return 1
	}
	return 0
}

func cmdEvidenceVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evidence verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	key := fs.String("key", "", "the fingerprint the signing key must have (sha256:...)")
	pub := fs.String("pubkey", "", "a PEM public key file the package must be signed with")
	// the package may come before or after the flags
	var pkg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pkg, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if pkg == "" && fs.NArg() == 1 {
		pkg = fs.Arg(0)
	} else if fs.NArg() > 0 {
		fmt.Fprint(stderr, evidenceUsage)
		return 2
	}
	if pkg == "" {
		fmt.Fprintln(stderr, "watchroom evidence verify: give the package file")
		return 2
	}
	ok, err := app.VerifyPackage(pkg, *key, *pub, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom evidence verify: %v\n", err)
		return 1
	}
	if !ok {
		return 1
	}
	return 0
}
