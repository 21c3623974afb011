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
// reads the well-known facts into an Entry. A Parser reads LIST lines; in
// its default mode it detects the format from the lines themselves,
// optionally helped by the reply to SYST (see FormatFromSYST). No line is
// dropped silently: Parse reports lines that are not entries (such as
// "total 12") with false, and a line that no format fits comes back as an
// Entry whose Unparsed method reports true, with the line as its Name.
//
// Not supported yet: MVS (z/OS) datasets, VMS entries wrapped over two
// lines, and localized month names in ls output.
package listing
