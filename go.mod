module github.com/ftpkit/ftp

go 1.24
