#!/usr/bin/env bash
# Runs a command with N busy loops beside it, to see what a benchmark does when a slower or shared
# host leaves it less CPU than the machine has. Each loop is one process spinning at the same
# priority as the command, started before it and stopped when it ends (also on Ctrl-C or failure);
# the command's exit status is kept. On the 2-core guests of 2026-11-27, one loop took up to half
# of the CPU, about what a host that steals 30-50% does.
# Usage: benchmarks/busy.sh N COMMAND [ARGS...]
#   benchmarks/busy.sh 1 benchmarks/rest-load.sh -Drate=500 -DgroupCommitMs=250 -Dwarmup=120
#   benchmarks/busy.sh 1 benchmarks/engine.sh EngineBenchmark.publishMillionInto16384Bins -p fsync=true
set -euo pipefail
if [[ $# -lt 2 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 N COMMAND [ARGS...]  (N busy loops beside COMMAND)" >&2
  exit 1
fi
loops=$1
shift
pids=()
stop() {
  if ((${#pids[@]} > 0)); then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "busy.sh: busy loops stopped" >&2
  fi
}
trap stop EXIT
script=$$
for ((i = 0; i < loops; i++)); do
  # a subshell spinning on builtins (nothing to install); it also ends by itself within a fraction
  # of a second once this script is gone, however the script ended (kill -9 included)
  (while kill -0 "$script" 2>/dev/null; do for ((j = 0; j < 200000; j++)); do :; done; done) &
  pids+=("$!")
done
echo "busy.sh: $loops busy loop(s) running beside: $*" >&2
# in the foreground, as if run alone: Ctrl-C reaches the command, which cleans up as it does; its
# exit status is this script's (set -e), and the trap stops the loops either way
"$@"
