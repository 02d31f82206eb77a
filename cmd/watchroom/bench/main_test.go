package bench

import (
	"context"
	"os"
	"strings"
	"testing"
)

// fanClientsEnv, when set, makes the test binary the fan-out bench's
// clients' process, with these arguments (see fanTestClients).
const fanClientsEnv = "WATCHROOM_TEST_FANOUT_CLIENTS"

func TestMain(m *testing.M) {
	if args := os.Getenv(fanClientsEnv); args != "" {
		os.Exit(benchFanout(context.Background(), strings.Fields(args), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
