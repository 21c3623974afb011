package realserver

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

const modulePath = "github.com/ftpkit/ftp"

// repoRoot finds the repository: the nearest directory above the working
// directory, or else above this source file, whose go.mod declares
// modulePath.
var repoRoot = sync.OnceValues(func() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, d := range starts {
		for {
			b, err := os.ReadFile(filepath.Join(d, "go.mod"))
			if err == nil && bytes.Contains(b, []byte("module "+modulePath+"\n")) {
				return d, nil
			}
			parent := filepath.Dir(d)
			if parent == d {
				break
			}
			d = parent
		}
	}
	return "", errors.New("realserver: cannot find the repository (go.mod of " + modulePath + ")")
})

// serversDir is where install-servers.sh unpacks pure-ftpd and proftpd:
// $FTPKIT_SERVERS_DIR, or .cache/servers in the repository.
func serversDir() (string, error) {
	if d := os.Getenv("FTPKIT_SERVERS_DIR"); d != "" {
		return d, nil
	}
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, ".cache", "servers"), nil
}

// certsDir holds the test PKI made by testdata/certs/gen.sh.
func certsDir() (string, error) {
	root, err := repoRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, "testdata", "certs"), nil
}

// python is Debian's interpreter, which has python3-pyftpdlib.
const python = "/usr/bin/python3"

var pyftpdlibOK = sync.OnceValue(func() error {
	out, err := exec.Command(python, "-c", "import pyftpdlib, OpenSSL").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s cannot import pyftpdlib and OpenSSL: %v: %s", python, err, out)
	}
	return nil
})

// binary returns the executable that runs kind, or an error saying what is
// missing.
func binary(kind Kind) (string, error) {
	var need []string
	switch kind {
	case Vsftpd:
		p, err := exec.LookPath("vsftpd")
		if err != nil {
			p = "/usr/sbin/vsftpd"
		}
		need = []string{p}
	case Pyftpdlib:
		if err := pyftpdlibOK(); err != nil {
			return "", err
		}
		return python, nil
	case PureFTPd, ProFTPD:
		d, err := serversDir()
		if err != nil {
			return "", err
		}
		if kind == PureFTPd {
			need = []string{d + "/usr/sbin/pure-ftpd", d + "/usr/bin/pure-pw"}
		} else {
			need = []string{d + "/usr/sbin/proftpd", d + "/usr/lib/proftpd/mod_tls.so"}
		}
	default:
		return "", fmt.Errorf("unknown server kind %q", kind)
	}
	for _, p := range need {
		if _, err := os.Stat(p); err != nil {
			return "", err
		}
	}
	return need[0], nil
}
