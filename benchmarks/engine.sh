#!/usr/bin/env bash
# The engine benchmarks (issue 3) with every repository kept until the run ends, then deleted
# (see EngineBenchmark's class comment for why). Arguments go to JMH, for example:
#   benchmarks/engine.sh EngineBenchmark.publishThousandMore -p fsync=true,false -jvmArgsAppend -Dtufrepo.trace=true
# Build first: mvn -B -ntp package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
jar=benchmarks/target/benchmarks.jar
if [[ ! -f $jar ]]; then
  echo "no $jar: run mvn -B -ntp package -DskipTests first" >&2
  exit 1
fi
data=$(mktemp -d "${TMPDIR:-/tmp}/tufrepo-engine-bench.XXXXXX")
trap 'rm -rf "$data"' EXIT
java -jar "$jar" -jvmArgsPrepend "-Djava.io.tmpdir=$data -Dtufrepo.bench.keepData=true" "${@:-EngineBenchmark}"
