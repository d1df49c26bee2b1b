#!/usr/bin/env bash
# A full pack of one conda prefix by three contenders, each a whole process under /usr/bin/time, interleaved round by
# round so a change in the machine's load meets all of them alike: the `sparkjobgen` tool, `tar -c | pigz` and conda-pack
# run from its source. Same level (4) and threads (2) for all. Prints every run (wall, CPU user+sys, peak RSS, archive
# size), the medians, and how many times faster the tool is than each other contender by median wall time.
#
#   bench/pack-compare.sh TOOL CONDA_PACK_SOURCE PREFIX [ROUNDS]
#
# TOOL: the native tool (`dotnet publish src/SparkJobGen.Cli -f net10.0 -r linux-x64 -c Release -o DIR`, then
# DIR/SparkJobGen.Cli). CONDA_PACK_SOURCE: a checkout of github:conda/conda-pack (its `conda_pack` package is imported from
# there; the script gives it the distribution metadata its `__init__` asks for). PREFIX: a conda prefix, for example the
# `conda-env` that `dotnet run -c Release --project bench/SparkJobGen.PackBench -- --pipeline-only --repeat 1` makes in
# its scratch folder (conda-meta records with placeholders and a history file, as conda-pack requires).
set -euo pipefail
tool=${1:?tool}
conda_pack_source=$(cd "${2:?conda-pack source}" && pwd)
prefix=$(cd "${3:?conda prefix}" && pwd)
rounds=${4:-3}
threads=2
level=4
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# conda_pack/__init__.py reads its version with importlib.metadata.version("conda-pack"): a dist-info beside the source.
site="$scratch/site"
mkdir -p "$site/conda_pack-0.0.0.dist-info"
printf 'Metadata-Version: 2.1\nName: conda-pack\nVersion: 0.0.0\n' > "$site/conda_pack-0.0.0.dist-info/METADATA"
export PYTHONPATH="$conda_pack_source:$site${PYTHONPATH:+:$PYTHONPATH}"
python3 -c 'import conda_pack' || { echo "conda_pack does not import from $conda_pack_source" >&2; exit 1; }

names=("sparkjobgen pack" "tar -c | pigz -p $threads -$level" "conda-pack -j $threads")
commands=(
  "$tool pack -p '$prefix' -o '$scratch/out.tar.gz' -j $threads --compress-level $level --no-cache -f -q"
  "tar -c -C '$prefix' . | pigz -p $threads -$level > '$scratch/out.tar.gz'"
  "python3 -c 'from conda_pack.cli import main; main()' -p '$prefix' -o '$scratch/out.tar.gz' -j $threads --compress-level $level -f -q"
)

# Warm the page cache so the first contender does not pay for cold reads.
tar -c -C "$prefix" . > /dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "prefix: $prefix ($(find "$prefix" | wc -l) entries)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A wall cpu rss size
for round in $(seq 1 "$rounds"); do
  for i in "${!names[@]}"; do
    rm -f "$scratch/out.tar.gz"
    # Each contender's own output goes to a log (conda-pack lists every package it treats as unmanaged); shown on failure.
    /usr/bin/time -f '%e %U %S %M' -o "$scratch/time" sh -c "${commands[$i]}" > "$scratch/log" 2>&1 || { cat "$scratch/log" >&2; exit 1; }
    read -r w u s m < <(tail -1 "$scratch/time")
    wall[$i]+="$w "
    cpu[$i]+="$(echo "$u + $s" | bc) "
    rss[$i]+="$((m / 1024)) "
    size[$i]=$(( $(stat -c %s "$scratch/out.tar.gz") / 1000000 ))
    echo "round $round: ${names[$i]}: wall $w s, cpu $(echo "$u + $s" | bc) s, peak RSS $((m / 1024)) MB, archive ${size[$i]} MB (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
max() { tr ' ' '\n' | grep -v '^$' | sort -n | tail -1; }
echo
echo "| contender | wall (s), median | CPU user+sys (s), median | peak RSS (MB) | archive (MB) |"
echo "|---|---:|---:|---:|---:|"
for i in "${!names[@]}"; do
  echo "| ${names[$i]} | $(echo "${wall[$i]}" | median) | $(echo "${cpu[$i]}" | median) | $(echo "${rss[$i]}" | max) | ${size[$i]} |"
done
ours=$(echo "${wall[0]}" | median)
for i in 1 2; do
  echo "sparkjobgen pack is $(echo "scale=2; $(echo "${wall[$i]}" | median) / $ours" | bc)x faster than ${names[$i]} (median wall time)"
done
