// Package listing parses FTP directory listings: the machine-readable
// MLSD/MLST lines of RFC 3659 and the human-readable LIST output of many
// server families (Unix ls -l, MS-DOS/IIS, EPLF, VMS, Netware, OS/2 and
// OS/400).
//
// The parsers are pure functions of their input: they do no I/O, never
// use regular expressions, and return string fields that share memory
// with the parsed line, so that parsing a line usually allocates nothing.
//
// ParseMLSx splits an MLSD line exactly as Python's ftplib does and then
// reads the well-known facts into an Entry, whose Facts keep the line's
// fact text for Facts.Get and Facts.All; it never allocates. A Parser reads LIST lines; in
// its default mode it detects the format from the lines themselves,
// optionally helped by the reply to SYST (see FormatFromSYST). No line is
// dropped silently: Parse reports lines that are not entries (such as
// "total 12") with false, and a line that no format fits comes back as an
// Entry whose Unparsed method reports true, with the line as its Name.
//
// The LIST formats, with the variants read:
//
//   - Unix ls -l and the many servers that imitate it;
//   - MS-DOS/IIS: MM-DD-YY or MM-DD-YYYY (also YYYY-MM-DD, and DD.MM.YYYY
//     with dots), 12- or 24-hour times, <DIR>, grouped sizes, and the
//     <JUNCTION>, <SYMLINK> and <SYMLINKD> reparse points of cmd.exe;
//   - EPLF, with its r, /, s, m, i and up facts (others are ignored);
//   - OpenVMS (MultiNet, TCP/IP Services, TCPware, CMU): versions,
//     used/allocated block counts, seconds and hundredths, [GROUP,OWNER]
//     or [OWNER], protections, *.DIR directories; the "Directory ..."
//     header and "Total of ..." trailer are not entries;
//   - Novell Netware, with the rights in brackets (older Hellsoft servers
//     included);
//   - OS/2: size, attributes, DIR, date, time and name;
//   - IBM OS/400: *STMF, *DIR, *LIB, *FLR, *FILE, *MEM, *DOC and other
//     objects, members without size or date, and the server job's date
//     formats MM/DD/YY, DD.MM.YY and YYYY-MM-DD.
//
// VMS writes an entry whose name is too long for its column over two
// lines: the name, then the rest of the entry, indented. A Parser sees one
// line at a time, so pass the lines of a VMS listing through a VMSJoiner
// first; it joins those pairs and passes every other line on unchanged.
//
// Not supported yet: MVS (z/OS) datasets and localized month names in ls
// output.
package listing
