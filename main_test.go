package ftp

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a Fake's handler,
// a data connection, a cancellation callback) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
