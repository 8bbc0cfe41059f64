#!/usr/bin/env bash
# Loopback load test of the REST service (issue 4): POST /api/v1/artifacts, 10 artifacts per
# request, into a repository of 1 M targets in 16,384 bins with group commit on.
# Usage: benchmarks/rest-load.sh [-Dtargets=1000000 -Dbins=16384 -Dclients=32 -Dseconds=30 ...]
# Open loop (fixed arrival rate, latency counted from when each request was due): -Drate=500
# -DslowMs=25 lists the requests at least that late with the JVM uptime they were due at (set them
# beside -Xlog:gc*:file=gc.log:uptime and -Dtufrepo.trace=true). Extra JVM options pass through.
# Traffic goes to 127.0.0.1 only; the run stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=$(mktemp)
mvn -B -q -pl rest-adapter -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test -Dspotless.check.skip=true
cp="rest-adapter/target/test-classes:rest-adapter/target/classes:$(cat "$cp_file")"
rm -f "$cp_file"
# ext4 without a journal keeps checking freed inodes while their inode-table blocks stay cached (a
# few minutes after a large directory is deleted, creating files is several times slower): as
# root, drop the clean caches before the run and after deleting its repository.
drop_caches() {
  sync
  if [[ -w /proc/sys/vm/drop_caches ]]; then
    echo 1 >/proc/sys/vm/drop_caches
  fi
}
data=$(mktemp -d "${TMPDIR:-/tmp}/tufrepo-rest-load.XXXXXX")
cleanup() {
  rm -rf "$data"
  drop_caches
}
trap cleanup EXIT
drop_caches
# G1's pause goal and the heap pre-touch of `./tufrepo serve` (see there; G1 is the JVM's default
# collector on 2 cores); a collector or pause goal given as an argument wins. The Vector API module
# as the script resolves it.
benchmarks/host-speed.sh
java -Xmx4g -XX:MaxGCPauseMillis=30 -XX:+AlwaysPreTouch --add-modules=jdk.incubator.vector -Djava.io.tmpdir="$data" \
  -Dlogback.configurationFile=rest-adapter/src/test/resources/logback-test.xml \
  "$@" -cp "$cp" dev.tufrepo.rest.bench.RestLoadBenchmark
benchmarks/host-speed.sh
