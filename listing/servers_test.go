package listing

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The files in testdata/servers are listings captured from real servers
// by TestCaptureListings in internal/realserver (see the README there).
// tree.json says what the listed tree really is: every object of the root
// directory as lstat saw it on each server, and the reference time, the
// servers' "now" when they listed it. The expectations below are built
// from tree.json and from what each server is known to do with it (the
// serverTraits), never from the parsers' output.

const serversDir = "testdata/servers"

// capturedTree is testdata/servers/tree.json.
type capturedTree struct {
	Reference   time.Time
	Old, Recent time.Time
	Servers     map[string]*serverTree
}

// serverTree is the tree on one server.
type serverTree struct {
	User, Group string // owner of every object
	UID, GID    int
	Objects     []capturedObject
	Captured    []string // the files captured from the server
}

type capturedObject struct {
	Name        string
	Type        string // "file", "dir", "symlink"
	Size        int64
	Perm        uint32
	MTime       time.Time
	Dev, Ino    uint64
	Target      string
	TargetType  string // "" for a dangling link
	TargetSize  int64
	TargetPerm  uint32
	TargetMTime time.Time
	TargetIno   uint64
}

// resolved describes what a symbolic link points to as if it were the
// object itself; ok is false for a dangling link.
func (o capturedObject) resolved() (capturedObject, bool) {
	if o.Type != "symlink" {
		return o, true
	}
	if o.TargetType == "" {
		return o, false
	}
	return capturedObject{Name: o.Name, Type: o.TargetType, Size: o.TargetSize, Perm: o.TargetPerm,
		MTime: o.TargetMTime, Dev: o.Dev, Ino: o.TargetIno}, true
}

func (o capturedObject) hidden() bool { return strings.HasPrefix(o.Name, ".") }

func (o capturedObject) dangling() bool { return o.Type == "symlink" && o.TargetType == "" }

// serverTraits is what a server makes of the tree.
type serverTraits struct {
	// LIST owner and group columns: numbers or names.
	ownerNumeric, groupNumeric bool
	// Which objects LIST, LIST -a and NLST show besides the plain ones.
	listHidden, listADots, nlstHidden, nlstDots, nlstDangling bool

	// MLSD; mlsd false means the server has none (no MLST in FEAT).
	mlsd bool
	// mlsdDots: the listing has "." (cdir) and ".." (pdir) entries.
	mlsdDots bool
	// mlsdFollow: symbolic links are described by their targets, and
	// dangling links left out; else mlsdLinkType is the type fact of a
	// link, and mlsdDangling says whether dangling links are listed.
	mlsdFollow   bool
	mlsdLinkType string
	mlsdDangling bool
	// mlstName is the name in the reply to "MLST recent.txt".
	mlstName string
	// facts returns the facts the server gives for o (already resolved
	// if mlsdFollow), whose type fact is typ.
	facts func(tr *serverTree, o capturedObject, typ string) map[string]string
}

func mlsxTimeVal(t time.Time) string { return t.UTC().Format("20060102150405") }

var serverBehaviour = map[string]serverTraits{
	// vsftpd 3.0.3: numeric ids (text_userdb_names=NO), no MLSD.
	"vsftpd": {ownerNumeric: true, groupNumeric: true, listADots: true, nlstDangling: true},
	// proftpd 1.3.8: names; hides dot files without -a; leaves dangling
	// links out of NLST and MLSD; MLSD links are OS.unix=symlink with the
	// link's own size, time and mode but the target's inode in unique.
	"proftpd": {
		listADots: true, mlsd: true, mlsdDots: true, mlsdLinkType: "OS.unix=symlink", mlstName: "/recent.txt",
		facts: func(tr *serverTree, o capturedObject, typ string) map[string]string {
			f := map[string]string{
				"modify": mlsxTimeVal(o.MTime), "type": typ,
				"unix.mode":  fmt.Sprintf("%04o", o.Perm),
				"unix.owner": strconv.Itoa(tr.UID), "unix.ownername": tr.User,
				"unix.group": strconv.Itoa(tr.GID), "unix.groupname": tr.Group,
			}
			ino := o.Ino
			if o.Type == "symlink" {
				ino = o.TargetIno
			}
			f["unique"] = fmt.Sprintf("%XU%X", o.Dev, ino)
			if o.Type == "dir" {
				f["perm"] = "flcdmpe"
			} else {
				f["perm"] = "adfrw"
				f["size"] = strconv.FormatInt(o.Size, 10)
			}
			return f
		},
	},
	// pure-ftpd 1.0.50: numeric owner but group name in LIST; NLST shows
	// everything, "." and ".." too; MLSD links are "OS.unix=slink:" with
	// no target, dirs have sizd, there is no perm fact.
	"pure-ftpd": {
		ownerNumeric: true, listADots: true, nlstHidden: true, nlstDots: true, nlstDangling: true,
		mlsd: true, mlsdDots: true, mlsdLinkType: "OS.unix=slink:", mlsdDangling: true, mlstName: "recent.txt",
		facts: func(tr *serverTree, o capturedObject, typ string) map[string]string {
			f := map[string]string{
				"type": typ, "modify": mlsxTimeVal(o.MTime),
				"unix.mode": fmt.Sprintf("%04o", o.Perm),
				"unix.uid":  strconv.Itoa(tr.UID), "unix.gid": strconv.Itoa(tr.GID),
				"unique": fmt.Sprintf("%xg%x", o.Dev, o.Ino),
			}
			if o.Type == "dir" {
				f["sizd"] = strconv.FormatInt(o.Size, 10)
			} else {
				f["size"] = strconv.FormatInt(o.Size, 10)
			}
			return f
		},
	},
	// pyftpdlib 1.5.7: LIST and NLST show dot files and never "." or
	// "..", with or without -a; MLSD follows links and gives only the
	// default facts (no UNIX.*).
	"pyftpdlib": {
		listHidden: true, nlstHidden: true, nlstDangling: true,
		mlsd: true, mlsdFollow: true, mlstName: "/recent.txt",
		facts: func(tr *serverTree, o capturedObject, typ string) map[string]string {
			f := map[string]string{
				"type": typ, "modify": mlsxTimeVal(o.MTime), "size": strconv.FormatInt(o.Size, 10),
				"unique": fmt.Sprintf("%xg%x", o.Dev, o.Ino),
				"perm":   "radfwMT", // the user's permissions, elradfmwMT
			}
			if o.Type == "dir" {
				f["perm"] = "eldfmMTcp"
			}
			return f
		},
	},
}

func loadCapture(t *testing.T) *capturedTree {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(serversDir, "tree.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr capturedTree
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Servers) != len(serverBehaviour) {
		t.Fatalf("tree.json has %d servers, want %d", len(tr.Servers), len(serverBehaviour))
	}
	return &tr
}

// captured returns the lines of testdata/servers/KIND-WHAT.txt with their
// CRLF terminators, checking that every line has one.
func captured(t *testing.T, kind, what string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(serversDir, kind+"-"+what+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		if !strings.HasSuffix(l, "\r\n") {
			t.Fatalf("%s-%s.txt: line %q does not end in CRLF", kind, what, l)
		}
	}
	return lines
}

// expectation is what parsing the line of one object must give.
type expectation struct {
	name         string
	typ          Type
	target       string
	size         int64
	mtime        time.Time
	prec         Precision
	mode         fs.FileMode
	owner, group string
	facts        map[string]string // nil for LIST
}

func (w expectation) check(t *testing.T, where string, e Entry) {
	t.Helper()
	if e.IsDotDir() != (w.name == "." || w.name == "..") {
		t.Errorf("%s: %q: IsDotDir %v", where, e.Raw, e.IsDotDir())
	}
	facts := maps.Collect(e.Facts.All())
	if e.Name != w.name || e.Type != w.typ || e.Target != w.target || e.Size != w.size ||
		!e.ModTime.Equal(w.mtime) || e.Precision != w.prec || e.Mode != w.mode ||
		e.Owner != w.owner || e.Group != w.group || !maps.Equal(facts, w.facts) || (e.Facts == "") != (w.facts == nil) {
		t.Errorf("%s: %q parsed as\n  name %q type %v target %q size %d mtime %v prec %v mode %v owner %q group %q facts %v\nwant\n  name %q type %v target %q size %d mtime %v prec %v mode %v owner %q group %q facts %v",
			where, e.Raw, e.Name, e.Type, e.Target, e.Size, e.ModTime, e.Precision, e.Mode, e.Owner, e.Group, facts,
			w.name, w.typ, w.target, w.size, w.mtime, w.prec, w.mode, w.owner, w.group, w.facts)
	}
}

var objectTypes = map[string]Type{"file": TypeFile, "dir": TypeDir, "symlink": TypeSymlink}

// listExpectation is the LIST entry of o. Like ls, servers give the year
// instead of the time for dates more than about six months old.
func listExpectation(ref time.Time, tr *serverTree, st serverTraits, o capturedObject) expectation {
	typ := objectTypes[o.Type]
	w := expectation{name: o.Name, typ: typ, size: o.Size, mode: typeMode(typ) | fs.FileMode(o.Perm),
		owner: tr.User, group: tr.Group}
	if o.Type == "symlink" {
		w.target = o.Target
	}
	if st.ownerNumeric {
		w.owner = strconv.Itoa(tr.UID)
	}
	if st.groupNumeric {
		w.group = strconv.Itoa(tr.GID)
	}
	if age := ref.Sub(o.MTime); age >= 0 && age < 180*24*time.Hour {
		w.mtime, w.prec = o.MTime.Truncate(time.Minute), PrecisionMinute
	} else {
		y, m, d := o.MTime.Date()
		w.mtime, w.prec = time.Date(y, m, d, 0, 0, 0, 0, time.UTC), PrecisionDay
	}
	return w
}

// mlsdExpectation is the MLSD entry of o, or false if the server leaves
// o out. dot is "cdir" or "pdir" for the root listed as "." or "..".
func mlsdExpectation(tr *serverTree, st serverTraits, o capturedObject, dot string) (expectation, bool) {
	typeFact := o.Type
	if st.mlsdFollow {
		var ok bool
		if o, ok = o.resolved(); !ok {
			return expectation{}, false
		}
		typeFact = o.Type
	} else if o.Type == "symlink" {
		if o.dangling() && !st.mlsdDangling {
			return expectation{}, false
		}
		typeFact = st.mlsdLinkType
	}
	if dot != "" {
		typeFact = dot
	}
	typ := objectTypes[o.Type]
	facts := st.facts(tr, o, typeFact)
	w := expectation{name: o.Name, typ: typ, size: -1, mtime: o.MTime.Truncate(time.Second), prec: PrecisionSecond,
		mode: typeMode(typ), facts: facts}
	if dot == "cdir" {
		w.name = "."
	} else if dot == "pdir" {
		w.name = ".."
	}
	if _, ok := facts["size"]; ok {
		w.size = o.Size
	} else if _, ok := facts["sizd"]; ok {
		w.size = o.Size
	}
	if _, ok := facts["unix.mode"]; ok {
		w.mode |= fs.FileMode(o.Perm)
	} else {
		// Owner bits from perm: the user owns everything and may do all.
		w.mode |= 0o600
		if typ == TypeDir {
			w.mode |= 0o100
		}
	}
	if v, ok := facts["unix.owner"]; ok {
		w.owner = v
	} else {
		w.owner = facts["unix.uid"]
	}
	if v, ok := facts["unix.group"]; ok {
		w.group = v
	} else {
		w.group = facts["unix.gid"]
	}
	return w, true
}

// TestServerListings checks the parsers against the LIST, MLSD and MLST
// output of real servers.
func TestServerListings(t *testing.T) {
	capture := loadCapture(t)
	for _, kind := range slices.Sorted(maps.Keys(serverBehaviour)) {
		st := serverBehaviour[kind]
		tr := capture.Servers[kind]
		if tr == nil {
			t.Fatalf("tree.json has no %s", kind)
		}
		t.Run(kind, func(t *testing.T) {
			syst := captured(t, kind, "syst")
			if len(syst) != 1 || FormatFromSYST(syst[0]) != FormatUnix {
				t.Fatalf("SYST %q", syst)
			}
			hasMLST := slices.ContainsFunc(captured(t, kind, "feat"), func(l string) bool { return strings.HasPrefix(l, " MLST ") })
			if hasMLST != st.mlsd {
				t.Fatalf("FEAT advertises MLST: %v, want %v", hasMLST, st.mlsd)
			}
			objects := map[string]capturedObject{}
			for _, o := range tr.Objects {
				objects[o.Name] = o
			}
			root := objects["."]
			checkServerList(t, capture.Reference, tr, st, kind, "list", objects, root)
			checkServerList(t, capture.Reference, tr, st, kind, "list-a", objects, root)
			checkServerNLST(t, st, kind, objects)
			if st.mlsd {
				checkServerMLSD(t, tr, st, kind, objects, root)
				checkServerMLST(t, tr, st, kind, objects)
			} else if slices.ContainsFunc(tr.Captured, func(f string) bool { return strings.Contains(f, "-mls") }) {
				t.Errorf("%s has MLSD or MLST files but no MLST feature", kind)
			}
		})
	}
}

// checkServerList parses KIND-WHAT.txt (LIST or LIST -a) with format
// detection, once helped by SYST and once not, and checks every entry.
func checkServerList(t *testing.T, ref time.Time, tr *serverTree, st serverTraits, kind, what string, objects map[string]capturedObject, root capturedObject) {
	t.Helper()
	lines := captured(t, kind, what)
	syst := captured(t, kind, "syst")[0]
	// Which objects the listing must show, by name.
	want := map[string]expectation{}
	for name, o := range objects {
		switch {
		case name == ".":
			if what == "list-a" && st.listADots {
				want["."] = listExpectation(ref, tr, st, root)
				// The root is the chroot: ".." is the root again.
				dd := listExpectation(ref, tr, st, root)
				dd.name = ".."
				want[".."] = dd
			}
		case o.hidden() && what == "list" && !st.listHidden:
		default:
			want[name] = listExpectation(ref, tr, st, o)
		}
	}
	now := func() time.Time { return ref }
	for _, p := range []*Parser{{Hint: FormatFromSYST(syst), Now: now}, {Now: now}} {
		seen := map[string]bool{}
		entries, skipped := 0, 0
		for _, line := range lines {
			e, ok := p.Parse(line)
			if !ok {
				if f := strings.Fields(line); len(f) != 2 || f[0] != "total" {
					t.Errorf("%s %s: line %q dropped", kind, what, line)
				}
				skipped++
				continue
			}
			entries++
			if e.Unparsed() {
				t.Errorf("%s %s: line %q not parsed", kind, what, line)
				continue
			}
			if e.Raw != line {
				t.Errorf("%s %s: Raw %q, want %q", kind, what, e.Raw, line)
			}
			w, ok := want[e.Name]
			if !ok || seen[e.Name] {
				t.Errorf("%s %s: unexpected entry %q from %q", kind, what, e.Name, line)
				continue
			}
			seen[e.Name] = true
			w.check(t, kind+" "+what, e)
		}
		if entries+skipped != len(lines) || entries != len(want) || len(seen) != len(want) {
			t.Errorf("%s %s: %d lines, %d entries (%d matched), %d not entries; want %d entries",
				kind, what, len(lines), entries, len(seen), skipped, len(want))
		}
		if p.Detected() != FormatUnix {
			t.Errorf("%s %s: detected %v", kind, what, p.Detected())
		}
	}
}

func checkServerNLST(t *testing.T, st serverTraits, kind string, objects map[string]capturedObject) {
	t.Helper()
	var want []string
	for name, o := range objects {
		switch {
		case name == ".":
			if st.nlstDots {
				want = append(want, ".", "..")
			}
		case o.hidden() && !st.nlstHidden:
		case o.dangling() && !st.nlstDangling:
		default:
			want = append(want, name)
		}
	}
	var got []string
	for _, l := range captured(t, kind, "nlst") {
		got = append(got, strings.TrimSuffix(l, "\r\n"))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s NLST: names\n  %q\nwant\n  %q", kind, got, want)
	}
}

func checkServerMLSD(t *testing.T, tr *serverTree, st serverTraits, kind string, objects map[string]capturedObject, root capturedObject) {
	t.Helper()
	lines := captured(t, kind, "mlsd")
	want := map[string]expectation{}
	for name, o := range objects {
		if name == "." {
			if st.mlsdDots {
				want["."], _ = mlsdExpectation(tr, st, root, "cdir")
				want[".."], _ = mlsdExpectation(tr, st, root, "pdir")
			}
			continue
		}
		if w, ok := mlsdExpectation(tr, st, o, ""); ok {
			want[name] = w
		}
	}
	seen := map[string]bool{}
	p := Parser{Format: FormatMLSx}
	for _, line := range lines {
		e, ok := p.Parse(line)
		if !ok || e.Unparsed() || e.Raw != line {
			t.Errorf("%s MLSD: line %q gave %+v, %v", kind, line, e, ok)
			continue
		}
		w, ok := want[e.Name]
		if !ok || seen[e.Name] {
			t.Errorf("%s MLSD: unexpected entry %q from %q", kind, e.Name, line)
			continue
		}
		seen[e.Name] = true
		w.check(t, kind+" MLSD", e)
		if e2 := ParseMLSx(line); e2.Name != e.Name || e2.Facts != e.Facts {
			t.Errorf("%s MLSD: Parser and ParseMLSx differ on %q", kind, line)
		}
	}
	if len(lines) != len(want) || len(seen) != len(want) {
		t.Errorf("%s MLSD: %d lines, %d matched, want %d entries", kind, len(lines), len(seen), len(want))
	}
}

// checkServerMLST checks the reply to "MLST recent.txt": a 250- line, one
// entry line that starts with a space, a 250 line.
func checkServerMLST(t *testing.T, tr *serverTree, st serverTraits, kind string, objects map[string]capturedObject) {
	t.Helper()
	lines := captured(t, kind, "mlst")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "250-") || !strings.HasPrefix(lines[2], "250 ") {
		t.Fatalf("%s MLST: reply %q", kind, lines)
	}
	w, ok := mlsdExpectation(tr, st, objects["recent.txt"], "")
	if !ok {
		t.Fatalf("%s MLST: no expectation for recent.txt", kind)
	}
	w.name = st.mlstName
	e := ParseMLST(lines[1])
	if e.Raw != lines[1] || e.Unparsed() {
		t.Errorf("%s MLST: %q gave %+v", kind, lines[1], e)
	}
	w.check(t, kind+" MLST", e)
}
