package ftptest

// TB is the part of testing.TB that the constructors of this package use;
// *testing.T, *testing.B and *testing.F satisfy it. Taking it rather than
// testing.TB keeps package testing out of programs that use ftptest
// outside tests (Start, NewCA).
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}
