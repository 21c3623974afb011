package ftptest

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	ftpserver "goftp.io/server/v2"
)

// backendCommands returns goftp's commands with the file commands changed
// to answer as vsftpd, proftpd, pure-ftpd and pyftpdlib do: 550 for a
// missing file (goftp says 551 or 450 in places), RETR and SIZE of a
// directory, MKD of an existing name (goftp creates it with MkdirAll and
// succeeds), RMD of a non-empty directory (goftp removes it with
// RemoveAll), and an upload the server cannot write (goftp answers 150,
// then 450).
func backendCommands(root string) map[string]ftpserver.Command {
	m := maps.Clone(ftpserver.DefaultCommands())
	// Sessions handle data connections; goftp's LPRT would bypass them.
	delete(m, "LPRT")
	for _, verb := range []string{"RETR", "SIZE"} {
		m[verb] = checked{m[verb], root, regularFile}
	}
	for _, verb := range []string{"MDTM", "RNFR"} {
		m[verb] = checked{m[verb], root, exists}
	}
	for _, verb := range []string{"STOR", "APPE"} {
		m[verb] = upload{m[verb], root}
	}
	m["MKD"] = mkd{m["MKD"], root}
	m["XMKD"] = mkd{m["XMKD"], root}
	m["RMD"] = rmd{m["RMD"], root}
	m["XRMD"] = rmd{m["XRMD"], root}
	return m
}

// local returns the file name of the FTP path p (absolute and clean, as
// Session.BuildPath returns) under the served directory root.
func local(root, p string) string {
	return filepath.Join(root, filepath.FromSlash(p))
}

// driverContext returns the driver context of a command.
func driverContext(sess *ftpserver.Session, verb, param string) *ftpserver.Context {
	return &ftpserver.Context{Sess: sess, Cmd: verb, Param: param, Data: map[string]any{}}
}

// reason is the text of a 550 reply for the error err on path p.
func reason(p string, err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return p + ": No such file or directory"
	case errors.Is(err, fs.ErrExist):
		return p + ": File exists"
	case errors.Is(err, errNotRegular):
		return p + ": Not a regular file"
	case errors.Is(err, errNotDir):
		return p + ": Not a directory"
	case errors.Is(err, errIsDir):
		return p + ": Is a directory"
	default:
		return p + ": Permission denied"
	}
}

// A checked command answers 550 when check fails on its path, and
// otherwise runs as goftp's.
type checked struct {
	ftpserver.Command
	root  string
	check func(name string) error
}

func (c checked) Execute(sess *ftpserver.Session, param string) {
	p := sess.BuildPath(param)
	if err := c.check(local(c.root, p)); err != nil {
		sess.WriteMessage(550, reason(p, err))
		return
	}
	c.Command.Execute(sess, param)
}

var errNotRegular = errors.New("not a regular file")

// regularFile is the check of RETR and SIZE: real servers refuse
// directories.
func regularFile(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errNotRegular
	}
	return nil
}

func exists(name string) error {
	_, err := os.Lstat(name)
	return err
}

// An upload (STOR, APPE) refuses with 550, before any 1xx reply, what
// open(2) would refuse, as real servers do: a path whose parent is missing
// or not a directory, a directory, and any upload of an anonymous session.
// vsftpd and pure-ftpd answer 553 to the first two, proftpd and pyftpdlib
// 550; all answer 550 to an anonymous user.
type upload struct {
	ftpserver.Command
	root string
}

var errIsDir = errors.New("is a directory")

func (c upload) Execute(sess *ftpserver.Session, param string) {
	p := sess.BuildPath(param)
	if err := writable(sess, local(c.root, p)); err != nil {
		sess.WriteMessage(550, reason(p, err))
		return
	}
	c.Command.Execute(sess, param)
}

// writable returns why the session may not write the file name, or nil.
func writable(sess *ftpserver.Session, name string) error {
	if isAnonymous(sess.LoginUser()) {
		return fs.ErrPermission
	}
	dir, err := os.Stat(filepath.Dir(name))
	switch {
	case err != nil && errors.Is(err, syscall.ENOTDIR):
		return errNotDir
	case err != nil:
		return err
	case !dir.IsDir():
		return errNotDir
	}
	if fi, err := os.Stat(name); err == nil && fi.IsDir() {
		return errIsDir
	}
	return nil
}

// mkd creates one directory, as mkdir(2): not an existing name, not
// without its parent. It replies 257 with the quoted path (RFC 959).
type mkd struct {
	ftpserver.Command
	root string
}

func (c mkd) Execute(sess *ftpserver.Session, param string) {
	p := sess.BuildPath(param)
	if _, err := os.Lstat(local(c.root, p)); err == nil {
		sess.WriteMessage(550, reason(p, fs.ErrExist))
		return
	}
	if fi, err := os.Stat(local(c.root, path.Dir(p))); err != nil || !fi.IsDir() {
		sess.WriteMessage(550, reason(p, fs.ErrNotExist))
		return
	}
	if err := sess.Server().Driver.MakeDir(driverContext(sess, "MKD", param), p); err != nil {
		sess.WriteMessage(550, reason(p, err))
		return
	}
	sess.WriteMessage(257, `"`+strings.ReplaceAll(p, `"`, `""`)+`" created`)
}

// rmd removes an empty directory, as rmdir(2). Unlike goftp's RMD it
// leaves the current directory alone.
type rmd struct {
	ftpserver.Command
	root string
}

var (
	errNotDir   = errors.New("not a directory")
	errNotEmpty = errors.New("directory not empty")
)

func (c rmd) Execute(sess *ftpserver.Session, param string) {
	p := sess.BuildPath(param)
	err := removable(local(c.root, p))
	if err == nil && p == "/" {
		err = fs.ErrPermission
	}
	if err == nil {
		err = sess.Server().Driver.DeleteDir(driverContext(sess, "RMD", param), p)
	}
	switch {
	case err == nil:
		sess.WriteMessage(250, "Directory deleted")
	case errors.Is(err, errNotEmpty):
		sess.WriteMessage(550, p+": Directory not empty")
	default:
		sess.WriteMessage(550, reason(p, err))
	}
}

func removable(name string) error {
	fi, err := os.Lstat(name)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return errNotDir
	}
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	if names, _ := f.Readdirnames(1); len(names) > 0 {
		return errNotEmpty
	}
	return nil
}
