//go:build unix

package ftp_test

import "syscall"

func setUmask(m int) int { return syscall.Umask(m) }

func mkfifo(name string) error { return syscall.Mkfifo(name, 0o600) }
