#!/usr/bin/env bash
# Whole-process cache hits of the `sparkjobgen` tool, as a user meets them: each round empties the cache, runs one full
# pack (a miss: walk, checks, content key, archive, record), then HITS packs of the unchanged environment. Every run is
# its own process, timed from fork to exit, so start-up is included. Prints each run and the medians.
#
#   bench/tool-cache-hit.sh TOOL PREFIX [ROUNDS] [HITS] [-- extra pack flags]
#
# TOOL is the command to run: the native tool (`dotnet publish src/SparkJobGen.Cli -r linux-x64 -c Release -o DIR`, then
# DIR/SparkJobGen.Cli) or the JIT one (`dotnet artifacts/bin/SparkJobGen.Cli/release_net10.0/SparkJobGen.Cli.dll`).
set -euo pipefail
tool=${1:?tool command}
prefix=${2:?environment prefix}
rounds=${3:-5}
hits=${4:-5}
shift $(( $# < 4 ? $# : 4 ))
[ "${1:-}" = "--" ] && shift
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export SPARKJOBGEN_CACHE="$scratch/cache"
output="$scratch/env.tar.gz"

now() { date +%s%N; }
run() {
  local start end
  start=$(now)
  # shellcheck disable=SC2086
  $tool pack -p "$prefix" -o "$output" -f -q -j 2 --compress-level 4 "$@" >/dev/null 2>"$scratch/stderr" || { cat "$scratch/stderr" >&2; exit 1; }
  end=$(now)
  echo $(( (end - start) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "tool: $tool"
echo "prefix: $prefix"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
fulls=()
all_hits=()
for round in $(seq 1 "$rounds"); do
  rm -rf "$SPARKJOBGEN_CACHE" "$output"
  full=$(run "$@")
  fulls+=("$full")
  line="round $round: full $(awk -v u="$full" 'BEGIN {printf "%.3f", u / 1e6}') s, hits"
  for _ in $(seq 1 "$hits"); do
    hit=$(run "$@")
    all_hits+=("$hit")
    line+=" $(awk -v u="$hit" 'BEGIN {printf "%.3f", u / 1e6}')"
  done
  echo "$line"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
full_median=$(printf '%s\n' "${fulls[@]}" | median)
hit_median=$(printf '%s\n' "${all_hits[@]}" | median)
hit_max=$(printf '%s\n' "${all_hits[@]}" | sort -n | tail -1)
awk -v f="$full_median" -v h="$hit_median" -v m="$hit_max" -v r="$rounds" -v n="${#all_hits[@]}" 'BEGIN {
  printf "full pack median of %d: %.3f s; hit median of %d: %.3f s (%.1f%%), slowest hit %.3f s (%.1f%%)\n",
    r, f / 1e6, n, h / 1e6, 100 * h / f, m / 1e6, 100 * m / f }'
