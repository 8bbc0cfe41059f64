#!/usr/bin/env bash
# One line on how fast this host's cores are right now, from OpenSSL (when installed): Ed25519
# signatures per second and SHA-512 throughput on 8 KiB blocks, each on one core for about a second.
# The engine and REST scripts print it before and after their runs. A shared VM's cores do not keep
# one speed: on the evening of 2026-11-26 this one ran 12,000-13,000 OpenSSL signatures per second,
# and signing an 8.7 kB bin took the engine about three times as long as in the runs of the two days
# before (see RESULTS.md). A run is comparable only with runs made at about the same speed, which
# is why benchmarks/ab.sh interleaves the versions it compares.
# The line also says when the guest reports its free memory to the host (virtio balloon free page
# reporting): there the first write into a page the guest had freed waits for the host to map it
# again, about 8 us per 4 kB page, and most new page-cache pages are such pages. On the AMD guest of
# 2026-11-27 that was about half of the kernel time of writing a publish's files (RESULTS.md).
set -uo pipefail
if ! command -v openssl >/dev/null 2>&1; then
  echo "host speed: openssl not installed, not measured"
  exit 0
fi
sign=$(openssl speed -seconds 1 ed25519 2>/dev/null | awk '/Ed25519/ {print $(NF-1); exit}')
sha=$(openssl speed -seconds 1 -bytes 8192 sha512 2>/dev/null | awk '/^sha512/ {sub(/k$/, "", $2); printf "%.0f", $2 / 1000; exit}')
reporting=""
reported=/sys/module/page_reporting/parameters/reported_kib
# reported_kib is this guest kernel's own counter (upstream has none); a bound balloon device and a
# count above zero are taken as reporting being on
if [[ -r $reported ]] && compgen -G "/sys/bus/virtio/drivers/virtio_balloon/virtio*" >/dev/null; then
  gib=$(($(cat "$reported" 2>/dev/null || echo 0) / 1048576))
  if ((gib > 0)); then
    reporting="; free page reporting to the host on ($gib GiB reported since boot)"
  fi
fi
echo "host speed at $(date -u +%H:%M:%S) UTC: openssl ed25519 ${sign:-?} sign/s, sha512 ${sha:-?} MB/s on 8 KiB (one core)$reporting"
