#!/bin/sh
# run.sh runs the ftpkit benchmark harness (see bench/README.md): it installs
# the servers and clients it needs (Debian packages through
# scripts/install-servers.sh, Go modules through the module proxy), then runs
# every scenario and writes bench/results/results.{md,json,png}.
#
# Usage: bench/run.sh [-quick] [other ftpbench flags]
# Run as root on Debian 12.
set -eu

BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)

sh "$REPO/scripts/install-servers.sh"
# install-servers.sh installs curl and lftp; make sure of them anyway.
if ! command -v curl >/dev/null || ! command -v lftp >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl lftp
fi
# The peers of the pool, segmented and mirror groups (Debian 12: rclone
# 1.60.1, aria2 1.36.0).
if ! command -v rclone >/dev/null || ! command -v aria2c >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rclone aria2
fi

cd "$BENCH"
go mod download
out=results
for a in "$@"; do
	[ "$a" = -quick ] && out=results/quick
done
go build -o "${TMPDIR:-/tmp}/ftpbench-bin" ./cmd/ftpbench
exec "${TMPDIR:-/tmp}/ftpbench-bin" -repo "$REPO" -out "$out" -cmdline "bench/run.sh $*" "$@"
