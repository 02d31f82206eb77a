//go:build !linux

package bench

import (
	"context"
	"fmt"
	"io"
)

// benchFanout drives its clients with epoll, so it runs on Linux only.
func benchFanout(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "watchroom bench fanout: runs on Linux only (its clients use epoll)")
	return 2
}
