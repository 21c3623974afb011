package ftpfs_test

import (
	"context"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/ftpkit/ftp"
	"github.com/ftpkit/ftp/ftpfs"
	"github.com/ftpkit/ftp/ftptest"
)

func Example() {
	dir, err := os.MkdirTemp("", "ftpfs-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "docs"), 0o755)
	os.WriteFile(filepath.Join(dir, "docs", "readme.txt"), []byte("hello\n"), 0o644)
	srv, err := ftptest.Start(dir)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	ctx := context.Background()
	c, err := ftp.Dial(ctx, srv.Addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Quit(ctx)
	if err := c.Login(ctx, srv.User, srv.Password); err != nil {
		log.Fatal(err)
	}

	fsys := ftpfs.New(c)
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fmt.Println(p, d.IsDir())
		return nil
	})
	data, err := fs.ReadFile(fsys, "docs/readme.txt")
	fmt.Printf("%q %v\n", data, err)
	// Output:
	// . true
	// docs true
	// docs/readme.txt false
	// "hello\n" <nil>
}
