package ftp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// readSizes is a reader that records the size of each buffer it is asked
// to fill.
type readSizes struct {
	r     io.Reader
	sizes []int
}

func (s *readSizes) Read(p []byte) (int, error) {
	s.sizes = append(s.sizes, len(p))
	return s.r.Read(p)
}

// TestUploadCopiesThroughBuffer checks that an upload from a reader is
// read in copyBufferSize blocks (not io.Copy's 32 KiB), and that uploads
// from it and from an *os.File through io.Copy (which reaches ReadFrom by
// way of os.File.WriteTo) arrive whole.
func TestUploadCopiesThroughBuffer(t *testing.T) {
	c, s := dialServer(t, nil)
	ctx := context.Background()
	data := bytes.Repeat([]byte("0123456789abcdef"), 3*copyBufferSize/16+5)
	want := sha256.Sum256(data)

	src := &readSizes{r: bytes.NewReader(data)}
	if err := c.StorBinaryCmd(ctx, "STOR a.bin", src); err != nil {
		t.Fatal(err)
	}
	for i, n := range src.sizes {
		if n != copyBufferSize {
			t.Errorf("read %d asked for %d bytes, want %d", i, n, copyBufferSize)
		}
	}

	local := filepath.Join(t.TempDir(), "b.bin")
	if err := os.WriteFile(local, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(local)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dc, err := c.Stor(ctx, "b.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(dc, f)
	if err != nil || n != int64(len(data)) {
		t.Fatalf("io.Copy = %d, %v; want %d", n, err, len(data))
	}
	if err := dc.Close(); err != nil {
		t.Fatal(err)
	}

	for _, name := range []string{"a.bin", "b.bin"} {
		got, err := os.ReadFile(filepath.Join(s.Root, name))
		if err != nil {
			t.Fatal(err)
		}
		if sha256.Sum256(got) != want {
			t.Errorf("%s: %d bytes arrived, checksum differs from the %d sent", name, len(got), len(data))
		}
	}
}
