#!/usr/bin/env bash
# Interleaved A/B runs of an engine benchmark at two revisions. A shared 2-core host can be 10-30%
# slower from one hour to the next, so two versions are only compared in runs made side by side:
# each round runs A then B, the next B then A (ABBA), so a drift of the host's load falls on both.
#
# Usage: benchmarks/ab.sh [-n ROUNDS] A B [engine.sh arguments ...]  (default arguments:
#   EngineBenchmark.publishThousandMore -p fsync=true)
#   A, B   git revisions (commits, branches, tags); "WORKTREE" is the working tree as it is
#   -n     rounds (default 2): each runs both versions once
# Example:
#   benchmarks/ab.sh -n 3 main WORKTREE EngineBenchmark.publishMillionInto16384Bins -p fsync=true
# Each version is built in a temporary git worktree (mvn package, nothing installed into ~/.m2),
# then every run goes through its own benchmarks/engine.sh. Prints each run's mean and, per version,
# the median of its means; each run's JMH output stays in a directory the summary names.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=2
if [[ ${1:-} == -n ]]; then
  rounds=$2
  shift 2
fi
if [[ $# -lt 2 ]]; then
  sed -n '2,14p' "$0" >&2
  exit 2
fi
rev_a=$1
rev_b=$2
shift 2
if [[ $# -eq 0 ]]; then
  set -- EngineBenchmark.publishThousandMore -p fsync=true
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tufrepo-ab.XXXXXX")
trees=()
cleanup() {
  for t in "${trees[@]}"; do
    git worktree remove --force "$t" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# prepare REV NAME: sets $prepared to a directory with REV's sources and its benchmarks jar built
prepare() {
  local rev=$1
  prepared=$work/$2
  if [[ $rev == WORKTREE ]]; then
    prepared=$PWD
  else
    git worktree add --detach "$prepared" "$rev" >/dev/null
    trees+=("$prepared")
  fi
  (cd "$prepared" && mvn -B -q -ntp package -DskipTests -Dspotless.check.skip=true -pl benchmarks -am)
}
prepare "$rev_a" a
dir_a=$prepared
prepare "$rev_b" b
dir_b=$prepared
logs=$(mktemp -d "${TMPDIR:-/tmp}/tufrepo-ab-logs.XXXXXX")

engine_args=("$@")
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order=(a b); else order=(b a); fi
  for v in "${order[@]}"; do
    if [[ $v == a ]]; then d=$dir_a; else d=$dir_b; fi
    echo "round $r: $v ($([[ $v == a ]] && echo "$rev_a" || echo "$rev_b"))" >&2
    printf '%s\t%s\t%s\n' "$v" "$r" "$(benchmarks/host-speed.sh)" >>"$work/speeds"
    (set -- "${engine_args[@]}"; cd "$d" && benchmarks/engine.sh "$@" -rf csv -rff "$work/run.csv") \
      >"$logs/$v-$r.log" 2>&1 ||
      { echo "run failed, see $logs/$v-$r.log" >&2; tail -20 "$logs/$v-$r.log" >&2; exit 1; }
    # JMH's CSV: benchmark, mode, threads, samples, score, error, unit, then one column per param
    awk -F, -v v="$v" -v r="$r" '
      NR == 1 { for (i = 8; i <= NF; i++) { h = $i; gsub(/"|Param: /, "", h); param[i] = h }; next }
      {
        name = $1; gsub(/"/, "", name); sub(/.*\./, "", name)
        for (i = 8; i <= NF; i++) { x = $i; gsub(/"/, "", x); name = name " " param[i] "=" x }
        unit = $7; gsub(/"/, "", unit)
        printf "%s\t%s\t%s\t%s\t%s\n", v, r, name, $5, unit
      }' "$work/run.csv" >>"$work/results"
  done
done

echo "A = $rev_a, B = $rev_b (JMH output of each run: $logs); means per run:"
sort -t$'\t' -k3,3 -k1,1 -k2,2n "$work/results" | awk -F'\t' '{printf "  %s round %s  %-60s %10.1f %s\n", $1, $2, $3, $4, $5}'
echo "host speed before each run (see benchmarks/host-speed.sh):"
awk -F'\t' '{printf "  %s round %s  %s\n", $1, $2, $3}' "$work/speeds"
echo "median of the means:"
sort -t$'\t' -k3,3 -k1,1 -k4,4g "$work/results" | awk -F'\t' '
  function flush() {
    if (n) {
      m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
      printf "  %-60s %s %10.1f %s (%d runs)\n", name, ver, m, unit, n
    }
  }
  $3 != name || $1 != ver { flush(); n = 0; name = $3; ver = $1; unit = $5 }
  { a[++n] = $4 }
  END { flush() }'
