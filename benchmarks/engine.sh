#!/usr/bin/env bash
# The engine benchmarks (issue 3) with every repository kept until the run ends, then deleted
# (see EngineBenchmark's class comment for why). Arguments go to JMH, for example:
#   benchmarks/engine.sh -p fsync=true,false      (all engine benchmarks)
#   benchmarks/engine.sh EngineBenchmark.publishThousandMore -jvmArgsAppend -Dtufrepo.trace=true
# Build first: mvn -B -ntp package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
if [[ ! -f $jar ]]; then
  echo "no $jar: run mvn -B -ntp package -DskipTests first" >&2
  exit 1
fi
data=$(mktemp -d "${TMPDIR:-/tmp}/tufrepo-engine-bench.XXXXXX")
cleanup() {
  rm -rf "$data"
  # ext4 without a journal keeps checking freed inodes while their inode-table blocks stay cached
  # (a few minutes): as root, drop the clean caches so that a run started right after is not slowed
  sync
  if [[ -w /proc/sys/vm/drop_caches ]]; then
    echo 1 >/proc/sys/vm/drop_caches
  fi
}
trap cleanup EXIT
if [[ $# -eq 0 || $1 == -* ]]; then
  set -- EngineBenchmark "$@" # options only: all the engine benchmarks
fi
benchmarks/host-speed.sh
java -jar "$jar" -jvmArgsPrepend "-Djava.io.tmpdir=$data -Dtufrepo.bench.keepData=true" "$@"
benchmarks/host-speed.sh
