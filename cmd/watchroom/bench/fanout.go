//go:build linux

package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/watchroom/watchroom/ui"
)

// fanOptions are bench fanout's flags.
type fanOptions struct {
	clients      int
	rate         float64
	duration     time.Duration
	stallPercent float64
	restart      bool
	data         string
	size         int
	writeWait    time.Duration
	queue        int
	passwordCost int
	role         string
	peer         bool
	rounds       int
	cpuProfile   string
	memProfile   string
	// clientsCommand makes the command that runs the clients' process
	// (default: this executable, `bench fanout --role clients ...`).
	clientsCommand func(ctx context.Context, args []string) (*exec.Cmd, error)
}

func parseFanOptions(args []string, stderr io.Writer) (fanOptions, error) {
	var o fanOptions
	fs := flag.NewFlagSet("bench fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.clients, "clients", 5000, "websocket clients")
	fs.Float64Var(&o.rate, "rate", 20, "events published per second")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "how long to publish")
	fs.Float64Var(&o.stallPercent, "stall-percent", 0, "share of clients that stop reading for the second half (percent)")
	fs.BoolVar(&o.restart, "restart", false, "kill and restart the server mid-run on the same address and database")
	fs.StringVar(&o.data, "data", "", "data folder (default: a temporary one, removed after)")
	fs.IntVar(&o.size, "size", 256, "bytes of text in each item")
	fs.DurationVar(&o.writeWait, "write-wait", 0, "the hub's write deadline (default: the hub's, 10s)")
	fs.IntVar(&o.queue, "queue", 0, "the hub's per-client queue (default: the hub's, 256)")
	fs.IntVar(&o.passwordCost, "password-cost", ui.PasswordCost, "bcrypt cost of the bench user's password (lower starts faster)")
	fs.StringVar(&o.role, "role", "", `"clients": be the load generator's process, driven by the bench over stdin and stdout (the bench starts it itself)`)
	fs.BoolVar(&o.peer, "peer", true, "also run the same load against the centrifuge peer, alternating with watchroom (steady load only)")
	fs.IntVar(&o.rounds, "rounds", 1, "watchroom then peer, this many times")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the server's process while watchroom publishes (first round) to this file")
	fs.StringVar(&o.memProfile, "memprofile", "", "write a heap profile of the server's process with every client connected to watchroom, idle (first round), to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case fs.NArg() > 0:
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.clients < 1, o.rate <= 0, o.duration <= 0, o.stallPercent < 0, o.stallPercent >= 100, o.size < 0, o.rounds < 1:
		return o, errors.New("--clients, --rate, --duration and --rounds must be positive, --stall-percent in [0, 100)")
	case o.role != "" && o.role != "clients":
		return o, fmt.Errorf("--role %q: the only role is clients", o.role)
	case o.passwordCost < bcrypt.MinCost || o.passwordCost > bcrypt.MaxCost:
		return o, fmt.Errorf("--password-cost must be in [%d, %d]", bcrypt.MinCost, bcrypt.MaxCost)
	}
	return o, nil
}

// benchFanout opens N websocket clients (in a process of their own)
// signed in to a console running in this process, publishes timeline
// events at R per second through the store's write path, and checks that
// every client got every event in order; then the same against the
// centrifuge peer. The last line is the summary.
func benchFanout(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return benchFanoutWith(ctx, args, stdout, stderr, nil)
}

// benchFanoutWith is benchFanout with the command that starts the clients'
// process (nil: this executable).
func benchFanoutWith(ctx context.Context, args []string, stdout, stderr io.Writer,
	command func(ctx context.Context, args []string) (*exec.Cmd, error)) int {
	o, err := parseFanOptions(args, stderr)
	o.clientsCommand = command
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "watchroom bench fanout: %v\n", err)
		}
		return 2
	}
	if o.role == "clients" {
		if err := fanClientsMain(ctx, o, os.Stdin, stdout); err != nil {
			fmt.Fprintf(stderr, "watchroom bench fanout --role clients: %v\n", err)
			return 1
		}
		return 0
	}
	rep, err := runFanout(ctx, o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "watchroom bench fanout: %v\n", err)
		return 1
	}
	for _, line := range rep.lines() {
		fmt.Fprintln(stdout, line)
	}
	if why := rep.failure(); why != "" {
		fmt.Fprintln(stderr, "watchroom bench fanout: "+why)
		return 1
	}
	return 0
}
