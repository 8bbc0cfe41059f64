#!/usr/bin/env bash
# Benchmark: tufrepo import of ROWS (default 1,000,000) CSV rows into a BINS-bin (default 16,384)
# local repository, with -Xmx512m. Generates the rows, inits a fresh repository, times the import,
# then verifies the result. Usage: benchmarks/import-1m.sh [ROWS] [BINS] [WORKDIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rows="${1:-1000000}"
bins="${2:-16384}"
work="${3:-$(mktemp -d /tmp/tufrepo-import-bench.XXXXXX)}"
mkdir -p "$work"
csv="$work/rows-$rows.csv"

"$here/tufrepo" --version >/dev/null   # builds the jar if needed, outside the timing

if [ ! -s "$csv" ]; then
  echo "generating $rows rows in $csv" >&2
  python3 - "$rows" "$csv" <<'PY'
import hashlib, sys
n, out = int(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    f.write("path,length,sha256\n")
    for i in range(n):
        p = "packages/%02x/pkg-%d/pkg-%d-1.0.tar.gz" % (i % 256, i, i)
        f.write("%s,%d,%s\n" % (p, 1000 + i, hashlib.sha256(p.encode()).hexdigest()))
PY
fi

rm -rf "$work/repo"
"$here/tufrepo" repo init --repo "$work/repo" --bins "$bins" >/dev/null
echo "importing $rows rows into $bins bins (-Xmx512m); load average now: $(cut -d" " -f1-3 /proc/loadavg)" >&2
start=$(date +%s%N)
TIMEFORMAT="cpu: user %U s, sys %S s (wall %R s)"
time TUFREPO_JAVA_OPTS="-Xmx512m ${TUFREPO_JAVA_OPTS:-}" "$here/tufrepo" import "$csv" --repo "$work/repo" --quiet
end=$(date +%s%N)
ms=$(( (end - start) / 1000000 ))
echo "wall time of the import command (JVM start included): $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
"$here/tufrepo" verify --repo "$work/repo" | tail -n 2
