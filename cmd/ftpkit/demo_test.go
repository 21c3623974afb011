package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	out, stderr, code := ftpkit(t, "demo")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", code, stderr, out)
	}
	for _, want := range []string{"connect", "login", "upload    demo.bin: 8388608 bytes", "list", "download  demo.bin: 8388608 bytes", "\n             match\n", "quit      ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`demo\.bin +8388608  \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC`).MatchString(out) {
		t.Errorf("no MLSD entry for demo.bin:\n%s", out)
	}
	sums := regexp.MustCompile(`SHA-256 \w+ +([0-9a-f]{64})`).FindAllStringSubmatch(out, -1)
	if len(sums) != 2 || sums[0][1] != sums[1][1] {
		t.Errorf("SHA-256 lines %q", sums)
	}
}

func TestDemoDebug(t *testing.T) {
	out, stderr, code := ftpkit(t, "demo", "--debug", "--active")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{`*cmd* "PORT `, `*cmd* "STOR demo.bin"`, `*cmd* "MLSD"`, `*cmd* "PASS ****"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("trace lacks %s", want)
		}
	}
	if strings.Contains(stderr, "PASS test") {
		t.Error("trace shows the password")
	}
	if !strings.Contains(out, "active mode") {
		t.Errorf("output:\n%s", out)
	}
}

func TestDemoUsage(t *testing.T) {
	_, stderr, code := ftpkit(t, "demo", "--tls", "--active")
	if code != 2 || !strings.Contains(stderr, "does not support --tls with --active") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	_, _, code = ftpkit(t, "demo", "extra")
	if code != 2 {
		t.Errorf("demo extra: exit %d", code)
	}
}
