package ftphttp_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a session, a
// body's download, an idle timer's close) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
