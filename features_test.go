package ftp

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpkit/ftp/internal/realserver"
	"github.com/ftpkit/ftp/listing"
)

func TestFeaturesServer(t *testing.T) {
	c, s := dialServer(t, map[string]string{"f.txt": "hello"})
	ctx := context.Background()
	f, err := c.Features(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !f.Has("mlst") || f["MLST"] != "Type*;Modify*;Size*;" || !f.Has("UTF8") || f.Has("HASH") {
		t.Errorf("Features = %q", f)
	}
	if sys, err := c.System(ctx); err != nil || sys != "UNIX Type: L8" {
		t.Errorf("System = %q, %v", sys, err)
	}
	if r, err := c.Status(ctx); err != nil || r.Code != 211 {
		t.Errorf("Status = %q, %v", r.Text, err)
	}
	if r, err := c.Status(ctx, "/"); err != nil || r.Code != 213 || !strings.Contains(r.Text, "f.txt") {
		t.Errorf("Status(/) = %q, %v", r.Text, err)
	}
	if err := c.Allocate(ctx, 5); err != nil {
		t.Errorf("Allocate = %v", err)
	}
	if on, err := c.UTF8(ctx); !on || err != nil {
		t.Errorf("UTF8 = %v, %v", on, err)
	}
	mt := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(s.Root, "f.txt"), mt, mt); err != nil {
		t.Fatal(err)
	}
	if got, err := c.ModTime(ctx, "f.txt"); err != nil || !got.Equal(mt) {
		t.Errorf("ModTime = %v, %v; want %v", got, err, mt)
	}
	// The ftptest server knows neither MFMT, SITE nor any hash command.
	if err := c.SetModTime(ctx, "f.txt", mt); !errors.Is(err, ErrPermanent) {
		t.Errorf("SetModTime = %v, want ErrPermanent", err)
	}
	if _, err := c.Site(ctx, "HELP"); !errors.Is(err, ErrPermanent) {
		t.Errorf("Site = %v, want ErrPermanent", err)
	}
	if _, err := c.Hash(ctx, "f.txt", "sha256"); !errors.Is(err, ErrFeatureNotSupported) {
		t.Errorf("Hash = %v, want ErrFeatureNotSupported", err)
	}
	if _, err := c.ModTime(ctx, "missing"); !errors.Is(err, ErrPermanent) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ModTime(missing) = %v, want the server's 550, matching fs.ErrNotExist", err)
	}
}

func TestFeaturesParse(t *testing.T) {
	c := dialLoggedIn(t,
		step("FEAT", "211-Extensions supported:", " MLST type*;size*;modify*;", " REST STREAM", " mdtm", "SIZE", " HASH SHA-1;SHA-256*;MD5", "211 END"),
	)
	f, err := c.Features(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Features{"MLST": "type*;size*;modify*;", "REST": "STREAM", "MDTM": "", "SIZE": "", "HASH": "SHA-1;SHA-256*;MD5"}
	if len(f) != len(want) {
		t.Errorf("Features = %q, want %q", f, want)
	}
	for k, v := range want {
		if got, ok := f[k]; !ok || got != v {
			t.Errorf("Features[%q] = %q, %v; want %q", k, got, ok, v)
		}
	}
	if !f.Has("Mdtm") || f.Has("MFMT") {
		t.Error("Has is wrong")
	}
}

func TestFeaturesRefused(t *testing.T) {
	for _, code := range []string{"500 unknown command", "502 not implemented"} {
		c := dialLoggedIn(t, step("FEAT", code), step("OPTS UTF8 ON", "200 ok"))
		f, err := c.Features(context.Background())
		if err != nil || len(f) != 0 || f == nil {
			t.Errorf("Features after %q = %q, %v; want an empty set", code, f, err)
		}
		// Not advertised, so UTF8 sends nothing...
		if on, err := c.UTF8(context.Background()); on || err != nil {
			t.Errorf("UTF8 = %v, %v", on, err)
		}
		// ...but the command can still be sent by hand.
		if _, err := c.Cmd(context.Background(), "OPTS UTF8 ON"); err != nil {
			t.Error(err)
		}
	}
	c := dialLoggedIn(t, step("FEAT", "421 closing"))
	if _, err := c.Features(context.Background()); !errors.Is(err, ErrTemporary) {
		t.Errorf("Features after 421 = %v, want ErrTemporary", err)
	}
}

func TestHashCommand(t *testing.T) {
	ctx := context.Background()
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " HASH SHA-1*;SHA-256;SHA-512;MD5", "211 End"),
		step("OPTS HASH SHA-256", "200 SHA-256"),
		step("HASH my file", "213 SHA-256 0-5 2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824 my file"),
		step("HASH other", "213 SHA-256 0-1 ABCDEF0123456789 other"),
		step("OPTS HASH MD5", "200 MD5"),
		step("HASH other", "213 MD5 0-1 d41d8cd98f00b204e9800998ecf8427e other"),
		step("HASH missing", "550 no such file"),
	)
	if sum, err := c.Hash(ctx, "my file", "sha256"); err != nil || sum != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Errorf("Hash = %q, %v", sum, err)
	}
	if sum, err := c.Hash(ctx, "other", "SHA-256"); err != nil || sum != "abcdef0123456789" {
		t.Errorf("second Hash = %q, %v", sum, err)
	}
	if sum, err := c.Hash(ctx, "other", "md5"); err != nil || sum != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("Hash md5 = %q, %v", sum, err)
	}
	if _, err := c.Hash(ctx, "missing", "md5"); !errors.Is(err, ErrPermanent) {
		t.Errorf("Hash(missing) = %v", err)
	}
	if _, err := c.Hash(ctx, "x", "crc32"); !errors.Is(err, ErrFeatureNotSupported) {
		t.Errorf("Hash crc32 = %v, want ErrFeatureNotSupported", err)
	}
}

func TestHashXCommands(t *testing.T) {
	ctx := context.Background()
	c := dialLoggedIn(t,
		step("FEAT", "211-Features:", " XCRC", " XMD5", " XSHA1", " XSHA256", "211 End"),
		step("XSHA256 f", "250 2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824"),
		step("XMD5 f", "250 f D41D8CD98F00B204E9800998ECF8427E"),
		step("XCRC f", "250 907060870"),
		step("XSHA1 f", "250 not a hash"),
	)
	if sum, err := c.Hash(ctx, "f", "SHA256"); err != nil || sum != "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824" {
		t.Errorf("XSHA256 = %q, %v", sum, err)
	}
	if sum, err := c.Hash(ctx, "f", "MD5"); err != nil || sum != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("XMD5 = %q, %v", sum, err)
	}
	if sum, err := c.Hash(ctx, "f", "crc"); err != nil || sum != "907060870" {
		t.Errorf("XCRC = %q, %v", sum, err)
	}
	if _, err := c.Hash(ctx, "f", "sha-1"); !errors.Is(err, ErrProtocol) {
		t.Errorf("XSHA1 with no hash = %v, want ErrProtocol", err)
	}
	if _, err := c.Hash(ctx, "f", "sha-512"); !errors.Is(err, ErrFeatureNotSupported) {
		t.Errorf("sha-512 = %v, want ErrFeatureNotSupported", err)
	}
}

func TestModTimeCommands(t *testing.T) {
	ctx := context.Background()
	c := dialLoggedIn(t,
		step("MDTM a", "213 20240102030405"),
		step("MDTM b", "213 20240102030405.123"),
		step("MDTM c", "213 1024010203040"),
		step("MDTM d", "550 no"),
		step("MFMT 20240102030405 e f", "213 Modify=20240102030405; e f"),
		step("SITE CHMOD 644 x", "200 ok"),
		step("ALLO 1024", "202 not needed"),
		step("STAT x", "213-status of x:", "-rw-r--r-- 1 u g 5 Jan 1 2024 x", "213 End"),
	)
	want := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	if got, err := c.ModTime(ctx, "a"); err != nil || !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("ModTime(a) = %v, %v", got, err)
	}
	if got, err := c.ModTime(ctx, "b"); err != nil || !got.Equal(want.Add(123*time.Millisecond)) {
		t.Errorf("ModTime(b) = %v, %v", got, err)
	}
	if _, err := c.ModTime(ctx, "c"); !errors.Is(err, ErrProtocol) {
		t.Errorf("ModTime(c) = %v, want ErrProtocol", err)
	}
	if _, err := c.ModTime(ctx, "d"); !errors.Is(err, ErrPermanent) {
		t.Errorf("ModTime(d) = %v, want ErrPermanent", err)
	}
	local := want.In(time.FixedZone("X", 3600))
	if err := c.SetModTime(ctx, "e f", local); err != nil {
		t.Errorf("SetModTime = %v", err)
	}
	if _, err := c.Site(ctx, "CHMOD 644 x"); err != nil {
		t.Errorf("Site = %v", err)
	}
	if err := c.Allocate(ctx, 1024); err != nil {
		t.Errorf("Allocate = %v", err)
	}
	if r, err := c.Status(ctx, "x"); err != nil || len(r.Lines()) != 3 {
		t.Errorf("Status = %q, %v", r.Text, err)
	}
}

func TestParseMDTM(t *testing.T) {
	for in, ok := range map[string]bool{
		"20240102030405":           true,
		"20240102030405.5":         true,
		"20240102030405.123456789": true,
		"2024010203040":            false,
		"20240102030405.":          false,
		"2024010203040x":           false,
		"20241302030405":           false,
		"":                         false,
		"202401020304051":          false,
	} {
		if _, got := parseMDTM(in); got != ok {
			t.Errorf("parseMDTM(%q) ok = %v, want %v", in, got, ok)
		}
	}
	got, _ := parseMDTM("20240102030405.5")
	if got.Nanosecond() != 500000000 {
		t.Errorf("fraction = %d ns", got.Nanosecond())
	}
}

func TestStoreUnique(t *testing.T) {
	var got string
	c := dialLoggedIn(t,
		step("TYPE I", "200 binary"),
		step("EPSV"),
		fakeStep{cmd: "STOU", reply: []string{"150 FILE: upload.1", "226 Transfer complete"}, xfer: true, got: &got},
	)
	d, name, err := c.StoreUnique(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if name != "upload.1" {
		t.Errorf("name = %q", name)
	}
	io.WriteString(d, "data")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got != "data" {
		t.Errorf("server got %q", got)
	}
	if n := uniqueName(Reply{Code: 150, Text: "150 Opening data connection"}); n != "" {
		t.Errorf("uniqueName = %q", n)
	}
}

// TestInjection checks that no argument can smuggle a second command:
// every method refuses CR, LF and NUL before sending anything.
func TestInjection(t *testing.T) {
	c := dialLoggedIn(t, step("FEAT", "211-Features:", " MLST type*;", " HASH SHA-256*", " UTF8", "211 End"))
	ctx := context.Background()
	if _, err := c.Features(ctx); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"a\r\nDELE b", "a\nb", "a\rb", "a\x00b"} {
		calls := map[string]error{}
		_, calls["Status"] = c.Status(ctx, bad)
		_, calls["Site"] = c.Site(ctx, bad)
		_, calls["ModTime"] = c.ModTime(ctx, bad)
		calls["SetModTime"] = c.SetModTime(ctx, bad, time.Now())
		_, calls["Hash"] = c.Hash(ctx, bad, "sha256")
		_, calls["Stat"] = c.Stat(ctx, bad)
		_, calls["ReadDir"] = c.ReadDir(ctx, bad)
		calls["Walk"] = c.Walk(ctx, bad, func(_ string, _ listing.Entry, err error) error { return err })
		for name, err := range calls {
			if !errors.Is(err, ErrInvalidCommand) {
				t.Errorf("%s(%q) = %v, want ErrInvalidCommand", name, bad, err)
			}
		}
	}
}

// TestRealServersFeatures checks Hash, SetModTime and ModTime against
// each real server kind, for what its FEAT reply advertises.
func TestRealServersFeatures(t *testing.T) {
	data := []byte("hello, world\n")
	sums := map[string]string{
		"SHA-256": fmt.Sprintf("%x", sha256.Sum256(data)),
		"SHA-1":   fmt.Sprintf("%x", sha1.Sum(data)),
		"MD5":     fmt.Sprintf("%x", md5.Sum(data)),
		"CRC32":   fmt.Sprintf("%08x", crc32.ChecksumIEEE(data)),
	}
	for _, kind := range realserver.Kinds {
		t.Run(string(kind), func(t *testing.T) {
			s := realserver.Start(t, kind, realserver.Config{})
			s.WriteFile("f.txt", data)
			ctx := context.Background()
			c := rsDial(t, ctx, s)
			f, err := c.Features(ctx)
			if err != nil || !f.Has("SIZE") {
				t.Fatalf("Features = %q, %v", f, err)
			}
			t.Logf("FEAT: %q", f)
			if _, err := c.System(ctx); err != nil {
				t.Errorf("System: %v", err)
			}
			for algo, want := range sums {
				got, err := c.Hash(ctx, "f.txt", algo)
				switch {
				case errors.Is(err, ErrFeatureNotSupported):
				case err != nil:
					t.Errorf("Hash %s: %v", algo, err)
				case strings.TrimLeft(got, "0") != strings.TrimLeft(want, "0"):
					t.Errorf("Hash %s = %q, want %q", algo, got, want)
				}
			}
			mt := time.Date(2020, 2, 3, 4, 5, 6, 0, time.UTC)
			if f.Has("MFMT") {
				if err := c.SetModTime(ctx, "f.txt", mt); err != nil {
					t.Errorf("SetModTime: %v", err)
				}
			} else if err := os.Chtimes(s.Path("f.txt"), mt, mt); err != nil {
				t.Fatal(err)
			}
			if got, err := c.ModTime(ctx, "f.txt"); err != nil || !got.Equal(mt) {
				t.Errorf("ModTime = %v, %v; want %v", got, err, mt)
			}
			if f.Has("UTF8") {
				if on, err := c.UTF8(ctx); !on || err != nil {
					t.Errorf("UTF8 = %v, %v", on, err)
				}
			}
		})
	}
}

func TestUTF8(t *testing.T) {
	ctx := context.Background()
	feat := step("FEAT", "211-Features:", " UTF8", "211 End")
	for _, tc := range []struct {
		reply string
		on    bool
		class error
	}{
		{"200 Always in UTF8 mode.", true, nil},
		{"504 Unknown command", true, nil},
		{"501 Invalid argument.", true, nil},
		{"421 Service not available", false, ErrTemporary},
	} {
		c := dialLoggedIn(t, feat, step("OPTS UTF8 ON", tc.reply))
		on, err := c.UTF8(ctx)
		if on != tc.on || (tc.class == nil && err != nil) || (tc.class != nil && !errors.Is(err, tc.class)) {
			t.Errorf("UTF8 after %q = %v, %v", tc.reply, on, err)
		}
	}
}
