package app

import (
	"testing"

	"go.uber.org/goleak"
)

// Every goroutine the console starts is owned and joined by Stop: a test
// that leaves one behind fails the package.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
