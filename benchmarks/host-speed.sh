#!/usr/bin/env bash
# One line on how fast this host's cores are right now, from OpenSSL (when installed): Ed25519
# signatures per second and SHA-512 throughput on 8 KiB blocks, each on one core for about a second.
# The engine and REST scripts print it before and after their runs. A shared VM's cores do not keep
# one speed: on the evening of 2026-11-26 this one ran 12,000-13,000 OpenSSL signatures per second,
# and signing an 8.7 kB bin took the engine about three times as long as in the runs of the two days
# before (see RESULTS.md). A run is comparable only with runs made at about the same speed, which
# is why benchmarks/ab.sh interleaves the versions it compares.
set -uo pipefail
if ! command -v openssl >/dev/null 2>&1; then
  echo "host speed: openssl not installed, not measured"
  exit 0
fi
sign=$(openssl speed -seconds 1 ed25519 2>/dev/null | awk '/Ed25519/ {print $(NF-1); exit}')
sha=$(openssl speed -seconds 1 -bytes 8192 sha512 2>/dev/null | awk '/^sha512/ {sub(/k$/, "", $2); printf "%.0f", $2 / 1000; exit}')
echo "host speed at $(date -u +%H:%M:%S) UTC: openssl ed25519 ${sign:-?} sign/s, sha512 ${sha:-?} MB/s on 8 KiB (one core)"
