package ftptest

import "strings"

// Canned data of CPython's test_ftplib (Lib/test/test_ftplib.py), as text;
// the Dummy encodes it with its Encoding before sending.
var (
	// RetrData is what a Dummy sends for RETR: RETR_DATA.
	RetrData = strings.Repeat("abcde\u00b9\u00b2\u00b3\u00a4\u00a6\r\n", 1000)
	// ListData is what a Dummy sends for LIST: LIST_DATA.
	ListData = "foo\r\nbar\r\n non-ascii char \u00ae\r\n"
	// NLSTData is what a Dummy sends for NLST: NLST_DATA.
	NLSTData = "foo\r\nbar\r\n non-ascii char \u00ae\r\n"
	// MLSDData is what a Dummy sends for MLSD: MLSD_DATA, 17 entries.
	MLSDData = "type=cdir;perm=el;unique==keVO1+ZF4; test\r\n" +
		"type=pdir;perm=e;unique==keVO1+d?3; ..\r\n" +
		"type=OS.unix=slink:/foobar;perm=;unique==keVO1+4G4; foobar\r\n" +
		"type=OS.unix=chr-13/29;perm=;unique==keVO1+5G4; device\r\n" +
		"type=OS.unix=blk-11/108;perm=;unique==keVO1+6G4; block\r\n" +
		"type=file;perm=awr;unique==keVO1+8G4; writable\r\n" +
		"type=dir;perm=cpmel;unique==keVO1+7G4; promiscuous\r\n" +
		"type=dir;perm=;unique==keVO1+1t2; no-exec\r\n" +
		"type=file;perm=r;unique==keVO1+EG4; two words\r\n" +
		"type=file;perm=r;unique==keVO1+IH4;  leading space\r\n" +
		"type=file;perm=r;unique==keVO1+1G4; file1\r\n" +
		"type=dir;perm=cpmel;unique==keVO1+7G4; incoming\r\n" +
		"type=file;perm=r;unique==keVO1+1G4; file2\r\n" +
		"type=file;perm=r;unique==keVO1+1G4; file3\r\n" +
		"type=file;perm=r;unique==keVO1+1G4; file4\r\n" +
		"type=dir;perm=cpmel;unique==SGP1; dir \u00ae non-ascii char\r\n" +
		"type=file;perm=r;unique==SGP2; file \u00ae non-ascii char\r\n"
)

// Encode encodes s as the named encoding: "utf-8" (or "") or "latin-1".
// Runes that latin-1 cannot represent become '?'.
func Encode(s, encoding string) []byte {
	switch strings.ToLower(encoding) {
	case "latin-1", "latin1", "iso-8859-1":
		b := make([]byte, 0, len(s))
		for _, r := range s {
			if r > 0xff {
				r = '?'
			}
			b = append(b, byte(r))
		}
		return b
	}
	return []byte(s)
}
